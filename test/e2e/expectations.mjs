// What the renderer fixture (fixtures/renderers.idcnb) displays, read from an executed copy
// of it: the UI checks compare what the renderers draw with these payloads.
export const MIME = {
  imagePair: 'application/vnd.idc-lab.image-pair+json',
  categoryChart: 'application/vnd.idc-lab.category-chart+json',
  training: 'application/vnd.idc-lab.training+json',
  progress: 'application/vnd.idc-lab.progress+json',
};

export const XSS_CAPTION = '<img src=x onerror=alert(1)>';

function payloadOf(notebook, mime) {
  for (const [index, cell] of notebook.cells.entries()) {
    for (const output of cell.outputs ?? []) {
      const data = output.data?.[mime];
      if (data !== undefined) return { index, payload: typeof data === 'string' ? JSON.parse(data) : data };
    }
  }
  throw new Error(`the executed fixture has no ${mime} output`);
}

export function expectationsOf(notebook) {
  const pairs = payloadOf(notebook, MIME.imagePair);
  const chart = payloadOf(notebook, MIME.categoryChart);
  const training = payloadOf(notebook, MIME.training);
  const progress = payloadOf(notebook, MIME.progress);
  const expected = {
    cells: notebook.cells.length,
    codeCells: notebook.cells.flatMap((c, index) => (c.cell_type === 'code' ? [index] : [])),
    executionCounts: Object.fromEntries(notebook.cells.flatMap((c, index) => (c.cell_type === 'code' ? [[index, c.execution_count]] : []))),
    imagePair: {
      cell: pairs.index,
      title: pairs.payload.title,
      count: pairs.payload.pairs.length,
      ids: pairs.payload.pairs.map((p) => p.id),
      predictions: pairs.payload.pairs.map((p) => p.prediction),
    },
    chart: {
      cell: chart.index,
      title: chart.payload.title,
      categories: chart.payload.categories,
      metrics: chart.payload.metrics,
      series: chart.payload.series.map((s) => s.name),
    },
    training: { cell: training.index, title: training.payload.title, runs: training.payload.runs.map((r) => r.name) },
    progress: { cell: progress.index, label: progress.payload.label },
  };
  // the fixture is written to show these: a changed fixture must change this check too
  if (expected.imagePair.count !== 3) throw new Error(`the fixture should display 3 image pairs, its executed copy has ${expected.imagePair.count}`);
  if (expected.imagePair.predictions[0] !== XSS_CAPTION) throw new Error(`the fixture's first prediction should be ${XSS_CAPTION}`);
  return expected;
}
