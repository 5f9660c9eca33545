// The browsers the shell's bundles are built for (esbuild `target`): the
// page's script (tools/page.mjs) and the one-file builds (tools/dist.mjs).
export const TARGET = ['chrome100', 'firefox100', 'safari16'];
