/**
 * How much memory a BLIP-2-style model needs, from its shape alone: parameters per module, the
 * model size per dtype as Hugging Face accelerate's estimator prints it (the layout of the
 * paper's supplementary Table 4), LoRA's trainable parameters for the paper's targets, the
 * adapter file and the training memory of LoRA on a frozen float16 model, and how those compare
 * with the paper's LoRA rows. Pure functions over plain data; display belongs to the callers.
 */
export * from './shapes';
export * from './counts';
export * from './paper';
export * from './tables';
export { groupDigits } from './units';
export { LORA_PARTS as LORA_MODULES, type LoraPart as LoraModule } from '../blip2/lora';
