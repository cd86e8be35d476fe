import packageJson from '../../package.json' with { type: 'json' };

/** hotconf's own version, as each instance reports it. */
export const LIBRARY_VERSION: string = packageJson.version;
