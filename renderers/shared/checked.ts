/** A payload check's answer: the typed payload, or the problem in words naming the field (kept in kernels/outputs, which the runner reads too). */
export type { Checked } from '../../kernels/outputs/payloadChecks';
