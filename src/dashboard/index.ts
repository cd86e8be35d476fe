export { createDashboard, type DashboardHandler } from './create-dashboard.js';
export type { DashboardAuth, DashboardOptions } from './options.js';
export { DEFAULT_ALLOWED_HOSTS } from './host-check.js';
