export { MetricsWriter, readMetrics, type MetricsRecord, type MetricValue, type MetricsWriterOptions } from './metrics-jsonl.js';
export { MetricsAverager } from './metrics-average.js';
export { TensorBoardWriter, encodeEvent, tfrecord } from './tensorboard.js';
export { crc32c, maskedCrc32c } from './crc32c.js';
export { ProgressBar, formatDuration, type ProgressOptions, type ProgressStream } from './progress.js';
export { renderReport, writeReport, metricKeys } from './report.js';
export { svgLinePlot, linePath } from './svg-plot.js';
export { TrainLogger, type TrainLoggerOptions } from './train-logger.js';
