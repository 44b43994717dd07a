import { describe, expect, it } from 'vitest';
import { timelineChart } from './report-charts.ts';

/** The text of every <text> element of an SVG, in document order. */
function texts(svg: string): string[] {
  return [...svg.matchAll(/<text\b[^>]*>([^<]*)<\/text>/g)].map((match) => match[1] as string);
}

describe('timelineChart', () => {
  it('names each state in its legend in the order the run reached it, even one too short to draw', async () => {
    const states = ['normal', 'failing-over', 'failed-over', 'failing-back'];
    const svg = await timelineChart(
      [
        { lane: 'vault', label: 'normal', from: 0, to: 2 },
        // Failed over within the same tenth of a second: an empty span, no bar.
        { lane: 'vault', label: 'failing-over', from: 2, to: 2 },
        { lane: 'vault', label: 'failed-over', from: 2, to: 5 },
        { lane: 'vault', label: 'failing-back', from: 5, to: 6 },
        { lane: 'vault', label: 'normal', from: 6, to: 8 },
      ],
      [{ at: 1, label: 'crash westeurope' }],
      8,
    );
    expect(texts(svg).filter((text) => states.includes(text))).toEqual(states);
  });
});
