/**
 * Every format reader, in the order detection tries them: the most specific layouts first,
 * so a folder that holds Syned (which may contain an Emu Edit folder) is read as Syned, and
 * IER last, since its train.json + images/ is the loosest signature.
 */
import { clevrChangeReader } from './clevrChange';
import { clevrDcReader } from './clevrDc';
import { emuEditReader } from './emuEdit';
import type { FormatReader } from './format';
import { ierReader } from './ier';
import { magicBrushReader } from './magicBrush';
import { spotTheDiffReader } from './spotTheDiff';
import { synedReader } from './syned';

export const FORMAT_READERS: readonly FormatReader[] = [
  synedReader,
  emuEditReader,
  magicBrushReader,
  clevrChangeReader,
  clevrDcReader,
  spotTheDiffReader,
  ierReader,
];
