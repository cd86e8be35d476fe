export { registerMetrics, type RegisterMetricsOptions, type RegisteredMetrics } from './register-metrics.js';
