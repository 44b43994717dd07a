/** The client link's name in the links API and `vaultover link`. */
export const CLIENT_LINK_NAME = 'global-endpoint';
