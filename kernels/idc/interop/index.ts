/**
 * Moving results between IDC Lab and other tools (`idc.interop`): LoRA adapters in PEFT's
 * layout. Files only: the kernel process never loads TensorFlow.js.
 */
export { exportAdapterToPeft, PEFT_CONFIG_FILE, PEFT_WEIGHTS_FILE, type PeftLoraConfig } from './peftAdapter';
