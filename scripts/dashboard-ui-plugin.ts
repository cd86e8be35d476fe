import { build, type Plugin } from 'esbuild';

const MODULE = 'virtual:hotconf-dashboard-ui';
const ENTRY = 'src/dashboard/ui/main.ts';

/**
 * The dashboard's built-asset step: `import script from 'virtual:hotconf-dashboard-ui'` in the server
 * code becomes the browser code (src/dashboard/ui), bundled and minified into one string. The UI thus
 * ships inside the package's own files, with nothing to fetch from elsewhere at run time.
 */
export function dashboardUiPlugin(): Plugin {
  return {
    name: 'hotconf-dashboard-ui',
    setup(pluginBuild) {
      pluginBuild.onResolve({ filter: /^virtual:hotconf-dashboard-ui$/ }, () => ({
        path: MODULE,
        namespace: MODULE,
      }));
      pluginBuild.onLoad({ filter: /.*/, namespace: MODULE }, async () => {
        const result = await build({
          entryPoints: [ENTRY],
          bundle: true,
          write: false,
          minify: true,
          format: 'iife',
          target: 'es2020',
          platform: 'browser',
          metafile: true,
        });
        const script = result.outputFiles[0]!.text;
        return {
          contents: `export default ${JSON.stringify(script)};`,
          loader: 'js',
          // Rebuilt in watch mode when the UI changes.
          watchFiles: Object.keys(result.metafile.inputs),
        };
      });
    },
  };
}
