// The browser code (src/dashboard/ui), bundled into one script by the build (tsup.config.ts).
declare module 'virtual:hotconf-dashboard-ui' {
  const script: string;
  export default script;
}
