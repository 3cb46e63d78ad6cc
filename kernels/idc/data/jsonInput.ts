/**
 * The platform's JSON reading for dataset files: the same checks and messages, each failure
 * a DatasetError, the one error type `idc.data` throws, so a broken index file reads like any
 * other problem with the data.
 */
import * as json from '../../platform/jsonFile';
import { DatasetError } from './problems';

function asDatasetError(error: unknown): unknown {
  return error instanceof json.JsonFileError ? new DatasetError({ file: error.file, field: error.field, reason: error.reason }) : error;
}

function guarded<A extends unknown[], R>(check: (...args: A) => R): (...args: A) => R {
  return (...args) => {
    try {
      return check(...args);
    } catch (error) {
      throw asDatasetError(error);
    }
  };
}

export async function readJsonFile(file: string): Promise<unknown> {
  try {
    return await json.readJsonFile(file);
  } catch (error) {
    throw asDatasetError(error);
  }
}

export const expectObject = guarded(json.expectObject);
export const expectArray = guarded(json.expectArray);
export { describe, fieldPath } from '../../platform/jsonFile';
