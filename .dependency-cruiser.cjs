// The dependency rule of README.md's "Architecture", written once and checked by `npm run lint`
// (so by `npm test`); test/layers.test.ts checks that each rule catches what it is for.
//
//   extension -> kernels/runtime host side (protocol, host, notebook, report) -> {outputs, platform}
//   kernels/runtime/kernel (the kernel process) -> kernels/idc/index.ts, protocol, {outputs, platform}
//   kernels/runtime/runner (the idc-lab CLI) -> host side, kernels/idc/commands.ts, {outputs, platform}
//   kernels/idc -> {outputs, platform}, never upward; its folders form the DAG below
//   renderers -> kernels/outputs only, and no Node built-ins
//   outputs -> platform; platform -> nothing of ours
'use strict';

/**
 * The folders of kernels/idc and the folders each may import besides itself, outputs, platform
 * and kernels/idc/defaults.ts. Nothing in a folder imports the library's entry points (index.ts
 * for cells, worker.ts for worker processes, commands.ts for the CLI).
 */
const IDC_LAYERS = {
  display: [],
  backends: [],
  // idc.model.load starts a compute backend before it builds the model
  model: ['backends'],
  data: ['display'],
  metrics: ['display'],
  train: ['data', 'model'],
  pretrain: ['data', 'model', 'train'],
  interop: ['data', 'display', 'metrics', 'model'],
  runs: ['backends', 'data', 'display', 'interop', 'metrics', 'model', 'train'],
  viz: ['backends', 'data', 'display', 'interop', 'model', 'runs', 'train'],
};

const OURS = '^(extension|kernels|renderers)/';
const HOST_SIDE = '^kernels/runtime/(protocol[.]ts$|host/|notebook/|report/)';

const folderRules = Object.entries(IDC_LAYERS).map(([folder, allowed]) => ({
  name: `idc-${folder}`,
  comment: `kernels/idc/${folder} may import only ${allowed.length ? allowed.map((f) => `kernels/idc/${f}`).join(', ') : 'itself'} in kernels/idc (README, Architecture)`,
  severity: 'error',
  from: { path: `^kernels/idc/${folder}/` },
  to: { path: '^kernels/idc/[^/]+/', pathNot: `^kernels/idc/(${[folder, ...allowed].join('|')})/` },
}));

module.exports = {
  forbidden: [
    {
      name: 'no-cycle',
      comment: 'modules import each other in a circle',
      severity: 'error',
      from: { path: OURS },
      to: { circular: true },
    },
    {
      name: 'renderers-only-outputs',
      comment: 'renderers run in the browser and see the kernel only through kernels/outputs (not the cell context, which is kernel-side)',
      severity: 'error',
      from: { path: '^renderers/' },
      to: { path: '^(extension|kernels)/', pathNot: '^kernels/outputs/(?!cellContext[.]ts$)' },
    },
    {
      name: 'renderers-no-node',
      comment: 'renderers are browser code: no Node built-in modules',
      severity: 'error',
      from: { path: '^renderers/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'outputs-bottom',
      comment: 'kernels/outputs is shared by kernel and renderers: it may use kernels/platform only',
      severity: 'error',
      from: { path: '^kernels/outputs/' },
      to: { path: OURS, pathNot: '^kernels/(outputs|platform)/' },
    },
    {
      name: 'platform-bottom',
      comment: 'kernels/platform depends on nothing of ours',
      severity: 'error',
      from: { path: '^kernels/platform/' },
      to: { path: OURS, pathNot: '^kernels/platform/' },
    },
    {
      name: 'extension-host-side',
      comment: 'the extension talks to kernels through the runtime host side (protocol, host, notebook, report)',
      severity: 'error',
      from: { path: '^extension/' },
      to: { path: '^(kernels|renderers)/', pathNot: `${HOST_SIDE}|^kernels/(outputs|platform)/` },
    },
    {
      name: 'host-side-down',
      comment: 'the runtime host side runs in the extension and the CLI: no kernel-process or library code',
      severity: 'error',
      from: { path: HOST_SIDE },
      to: { path: OURS, pathNot: `${HOST_SIDE}|^kernels/(outputs|platform)/` },
    },
    {
      name: 'kernel-through-index',
      comment: 'the kernel process sees the library through kernels/idc/index.ts only',
      severity: 'error',
      from: { path: '^kernels/runtime/kernel/' },
      to: { path: OURS, pathNot: '^kernels/runtime/(kernel/|protocol[.]ts$)|^kernels/(outputs|platform)/|^kernels/idc/index[.]ts$' },
    },
    {
      name: 'runner-through-commands',
      comment: 'the idc-lab CLI runs notebooks through the host side and library commands through kernels/idc/commands.ts only',
      severity: 'error',
      from: { path: '^kernels/runtime/runner/' },
      to: { path: OURS, pathNot: `^kernels/runtime/runner/|${HOST_SIDE}|^kernels/(outputs|platform)/|^kernels/idc/commands[.]ts$` },
    },
    {
      name: 'idc-not-upward',
      comment: 'kernels/idc never imports the runtime, the extension or the renderers',
      severity: 'error',
      from: { path: '^kernels/idc/' },
      to: { path: '^(extension|renderers|kernels/runtime)/' },
    },
    {
      name: 'idc-entry-points',
      comment: 'kernels/idc/index.ts, worker.ts and commands.ts are entry points: nothing in the library imports them',
      severity: 'error',
      from: { path: '^kernels/idc/[^/]+/' },
      to: { path: '^kernels/idc/[^/]+[.]ts$', pathNot: '^kernels/idc/defaults[.]ts$' },
    },
    {
      name: 'idc-defaults-leaf',
      comment: 'kernels/idc/defaults.ts is read by every folder of the library, so it imports nothing of ours',
      severity: 'error',
      from: { path: '^kernels/idc/defaults[.]ts$' },
      to: { path: OURS },
    },
    {
      name: 'idc-known-folder',
      comment: 'every folder of kernels/idc has a place in the DAG (.dependency-cruiser.cjs, IDC_LAYERS)',
      severity: 'error',
      from: { path: '^kernels/idc/', pathNot: `^kernels/idc/([^/]+[.]ts$|(${Object.keys(IDC_LAYERS).join('|')})/)` },
      to: {},
    },
    ...folderRules,
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist|out)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
