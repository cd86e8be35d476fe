export { createDashboard, type DashboardHandler } from './create-dashboard.js';
export type { DashboardAuth, DashboardOptions } from './options.js';
