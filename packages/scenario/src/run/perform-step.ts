import type { Clock } from '@vaultover/foundation';
import { CLIENT_LINK } from '../scenario-context.ts';
import { DeploymentApiError } from '../scenario-error.ts';
import type { StepAction } from '../step-schema.ts';
import type { DeploymentApi } from './deployment-api.ts';

/** How often a `wait` step asks the control API for the state. */
const WAIT_POLL_MS = 200;

/**
 * Carries out steps' actions through the deployment's APIs: the control API for processes, health,
 * fault rules, the client link and transitions; the replication links' own API for their toxics. Fault
 * rules and toxics are named in the file; the ids the API gave rules are kept here for `remove`.
 */
export class StepPerformer {
  readonly #api: DeploymentApi;
  readonly #clock: Clock;
  readonly #ruleIds = new Map<string, string>();

  constructor(api: DeploymentApi, clock: Clock) {
    this.#api = api;
    this.#clock = clock;
  }

  async perform(action: StepAction): Promise<void> {
    const api = this.#api;
    switch (action.kind) {
      case 'crash':
      case 'restart':
        await api.control('POST', `/api/regions/${action.region}/${action.kind}`);
        return;
      case 'redis':
        await api.control('POST', `/api/regions/${action.region}/redis/${action.action}`);
        return;
      case 'health':
        await api.control('POST', `/api/regions/${action.region}/health/${action.fail ? 'fail' : 'ok'}`);
        return;
      case 'failover':
      case 'failback':
        await api.control('POST', `/api/${action.kind}`);
        return;
      case 'fault':
        return this.#fault(action);
      case 'toxic':
        return this.#toxic(action);
      case 'wait':
        return this.#wait(action.state, action.within);
    }
  }

  async #fault(action: Extract<StepAction, { kind: 'fault' }>): Promise<void> {
    if (action.add) {
      const rule = (await this.#api.control('POST', '/api/faults', action.add)) as { id: string };
      this.#ruleIds.set(action.add.name, rule.id);
      return;
    }
    if (action.remove === 'all') {
      await this.#api.control('DELETE', '/api/faults');
      this.#ruleIds.clear();
      return;
    }
    const id = this.#ruleIds.get(action.remove ?? '');
    if (!id)
      throw new DeploymentApiError(`no fault rule named ${action.remove} was added by an earlier step`);
    await this.#api.control('DELETE', `/api/faults/${id}`);
    this.#ruleIds.delete(action.remove ?? '');
  }

  async #toxic(action: Extract<StepAction, { kind: 'toxic' }>): Promise<void> {
    // The client link is served by the control API; the replication links by their own.
    const send = (method: string, path: string, body?: unknown) =>
      action.link === CLIENT_LINK
        ? this.#api.control(method, `/api/links${path}`, body)
        : this.#api.replicationLinks(method, path, body);
    const toxics = `/proxies/${encodeURIComponent(action.link)}/toxics`;
    if (action.add) {
      await send('POST', toxics, action.add);
      return;
    }
    const names =
      action.remove === 'all'
        ? ((await send('GET', toxics)) as { name: string }[]).map((toxic) => toxic.name)
        : [action.remove ?? ''];
    for (const name of names) await send('DELETE', `${toxics}/${encodeURIComponent(name)}`);
  }

  async #wait(state: string, withinMs: number): Promise<void> {
    const deadline = this.#clock.monotonicNow() + withinMs;
    for (;;) {
      const status = (await this.#api.control('GET', '/api/status')) as { state: string };
      if (status.state === state) return;
      if (this.#clock.monotonicNow() >= deadline) {
        throw new DeploymentApiError(
          `the vault did not reach ${state} within ${withinMs / 1000}s (it is ${status.state})`,
        );
      }
      await this.#clock.sleep(WAIT_POLL_MS);
    }
  }
}
