import { invalidArgument } from '../errors.js';
import type { FleetQuery } from './types.js';

/** The services to keep (undefined: all). Throws E_INVALID_ARGUMENT. */
export function assertFleetQuery(query: FleetQuery): ReadonlySet<string> | undefined {
  if (typeof query !== 'object' || query === null) throw invalidArgument('options must be an object');
  const { services } = query;
  if (services === undefined) return undefined;
  if (!Array.isArray(services) || !services.every((service) => typeof service === 'string' && service)) {
    throw invalidArgument('services must be an array of service names');
  }
  return new Set(services);
}
