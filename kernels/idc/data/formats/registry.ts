/**
 * Every format reader, in the order detection tries them: the most specific layouts first,
 * so a folder that holds Syned (which may contain an Emu Edit folder) is read as Syned.
 */
import { emuEditReader } from './emuEdit';
import type { FormatReader } from './format';
import { magicBrushReader } from './magicBrush';
import { synedReader } from './syned';

export const FORMAT_READERS: readonly FormatReader[] = [synedReader, emuEditReader, magicBrushReader];
