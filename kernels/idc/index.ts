/**
 * The experiment library that every cell sees as `idc`: one namespace per concern (data,
 * model, train, metrics, interop, viz), and the kernel helpers a cell calls directly
 * (progress, interrupt-aware waits, the rich-output protocol).
 */
export { progress, type ProgressOptions } from './display/progress';
export { sleep, abortable, currentSignal, throwIfInterrupted } from '../outputs/cellContext';
export { MIME_BUNDLE, type RichOutput } from '../outputs/richOutput';
export * as metrics from './metrics/index';
export * as data from './data/index';
export * as model from './model/index';
export * as train from './runs/index';
export * as interop from './interop/index';
export * as viz from './viz/index';
export const version = '0.1.0';
