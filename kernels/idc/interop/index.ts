/**
 * Moving results between IDC Lab and other tools (`idc.interop`): LoRA adapters in PEFT's
 * layout, and captions other tools wrote, scored against a dataset here. Files only: the
 * kernel process never loads TensorFlow.js.
 */
export { exportAdapterToPeft, PEFT_CONFIG_FILE, PEFT_WEIGHTS_FILE, type PeftLoraConfig } from './peftAdapter';
export { evaluatePredictions as predictions, joinPredictions, parsePredictions, PredictionsEvaluation, type PredictionsOptions, type JoinedPredictions } from './predictions';
