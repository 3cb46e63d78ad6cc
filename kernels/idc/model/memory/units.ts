/** Units and number formats shared by the paper comparison and the text tables. */
export const MB = 1e6;
export const MIB = 2 ** 20;
export const GB = 1e9;
export const GIB = 2 ** 30;

export const round2 = (x: number): number => Math.round(x * 100) / 100;
export const fixed2 = (x: number): string => x.toFixed(2);

export function groupDigits(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
