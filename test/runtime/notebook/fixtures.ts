/** A notebook with every kind of cell and output, shared by the format and mapping tests. */
import { newNotebook, type Notebook } from '../../../kernels/runtime/notebook/nbformat';

export const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 255, 1, 2]);

export function everyKindOfNotebook(): Notebook {
  const nb = newNotebook();
  nb.cells = [
    {
      cell_type: 'markdown',
      id: 'md1',
      source: '# Title\n\nÜnïcödé and émoji 🎉\n![logo](attachment:logo.png)',
      metadata: { jupyter: { source_hidden: false } },
      attachments: { 'logo.png': { 'image/png': 'iVBORw0KGgo=' } },
    },
    { cell_type: 'raw', id: 'raw1', source: 'raw text', metadata: { format: 'text/plain' } },
    { cell_type: 'code', id: 'params', source: 'const rank = 8;', metadata: { tags: ['parameters'] }, outputs: [], execution_count: 1 },
    {
      cell_type: 'code',
      id: 'code2',
      source: 'console.log("a");\ndisplay(chart);\n42',
      metadata: {},
      execution_count: 2,
      outputs: [
        { output_type: 'stream', name: 'stdout', text: 'line 1\nline 2\n' },
        { output_type: 'stream', name: 'stderr', text: 'warning\n' },
        {
          output_type: 'display_data',
          data: {
            'application/vnd.idc-lab.category-chart+json': { v: 1, metric: 'CIDEr', series: [{ name: 'r8', values: { Add: 1.02, Text: 1.47 } }] },
            'image/png': PNG,
            'text/plain': 'CIDEr by category\n(2 series)',
          },
          metadata: { 'image/png': { width: 10 } },
        },
        { output_type: 'display_data', data: { 'text/html': '<b>bold</b>', 'application/json': [1, 'two', null] }, metadata: {} },
        { output_type: 'execute_result', data: { 'text/plain': '42' }, metadata: {}, execution_count: 2 },
        { output_type: 'error', ename: 'Error', evalue: 'boom', traceback: ['Error: boom (cell 4, line 2, column 1)', '    at cell 4:2:1'] },
      ],
    },
    {
      cell_type: 'code',
      id: 'never-run',
      source: '',
      metadata: { tags: ['skip'], 'idc-lab': { note: 'не запускать' } },
      outputs: [{ output_type: 'execute_result', data: { 'text/plain': 'from an old run' }, metadata: {}, execution_count: null }],
      execution_count: null,
    },
  ];
  return nb;
}
