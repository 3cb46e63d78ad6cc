/**
 * Checks a training payload (contracts.ts) and names the first field that is wrong. The check
 * lives in kernels/outputs, where the headless runner reads the same payload.
 */
export { validateTraining } from '../../kernels/outputs/payloadChecks';
