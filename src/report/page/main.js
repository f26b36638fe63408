/* The page in order: the header, then the parts a run has (each draws nothing without its data),
 * the header's links to them, and the list of charts drawn for the browser test. */
const nav = drawHeader();
drawWalkForward();
drawPerformance();
drawVariants();
drawOverfitting();
drawExposure();
drawCosts();
drawSignal();
fillNav(nav);
charts.forEach((c) => c.resize()); // each was sized as its card was added; the grid has its final columns now
window.addEventListener('resize', () => charts.forEach((c) => c.resize()));
document.documentElement.dataset.charts = drawn.join(' ');
