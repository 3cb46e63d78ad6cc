/**
 * A small typed layer over the ONNX protobuf schema (onnx-buf): inputs, outputs, weights and
 * nodes by name, each node's output named for what it computes. The model exporter writes a
 * graph as a sequence of calls; `toBytes` gives the .onnx file.
 */
import { create, toBinary } from '@bufbuild/protobuf';
import {
  AttributeProto_AttributeType as AttributeType,
  AttributeProtoSchema,
  GraphProtoSchema,
  ModelProtoSchema,
  NodeProtoSchema,
  TensorProto_DataType as DataType,
  TensorProtoSchema,
  ValueInfoProtoSchema,
  type AttributeProto,
  type NodeProto,
  type TensorProto,
  type ValueInfoProto,
} from 'onnx-buf';

/** ai.onnx opset: Gelu needs 20, LayerNormalization 17; onnxruntime 1.20 and later run 21. */
export const OPSET = 21;
/** IR version 10 (ONNX 1.16): read by onnxruntime since 1.20 and by current tools. */
export const IR_VERSION = 10;

export type ElementType = 'float32' | 'int64';
/** A dimension: a size, or a named symbolic size (batch, tokens, ...). */
export type Dim = number | string;
export type AttributeValue = number | string | number[] | { float: number };

const ELEMENT: Record<ElementType, DataType> = { float32: DataType.FLOAT, int64: DataType.INT64 };

function valueInfo(name: string, type: ElementType, dims: readonly Dim[]): ValueInfoProto {
  return create(ValueInfoProtoSchema, {
    name,
    type: {
      value: {
        case: 'tensorType',
        value: {
          elemType: ELEMENT[type],
          shape: {
            dim: dims.map((d) => ({
              value: typeof d === 'number' ? { case: 'dimValue' as const, value: BigInt(d) } : { case: 'dimParam' as const, value: d },
            })),
          },
        },
      },
    },
  });
}

/** Integers are INT(S), `{float}` is FLOAT (a plain number is an integer), strings are STRING. */
function attribute(name: string, value: AttributeValue): AttributeProto {
  if (typeof value === 'string') return create(AttributeProtoSchema, { name, type: AttributeType.STRING, s: new TextEncoder().encode(value) });
  if (Array.isArray(value)) return create(AttributeProtoSchema, { name, type: AttributeType.INTS, ints: value.map((v) => BigInt(v)) });
  if (typeof value === 'object') return create(AttributeProtoSchema, { name, type: AttributeType.FLOAT, f: value.float });
  if (!Number.isInteger(value)) throw new RangeError(`attribute ${name}: ${value} is not an integer; write { float: ${value} } for a float attribute`);
  return create(AttributeProtoSchema, { name, type: AttributeType.INT, i: BigInt(value) });
}

function bytesOf(view: Float32Array | BigInt64Array): Uint8Array<ArrayBuffer> {
  // raw_data is little-endian, as typed arrays are on every platform Node runs on
  const bytes = new Uint8Array(view.byteLength);
  bytes.set(new Uint8Array(view.buffer, view.byteOffset, view.byteLength));
  return bytes;
}

export class GraphBuilder {
  private readonly inputs: ValueInfoProto[] = [];
  private readonly outputs: ValueInfoProto[] = [];
  private readonly initializers: TensorProto[] = [];
  private readonly nodes: NodeProto[] = [];
  private readonly names = new Set<string>();
  private counter = 0;

  constructor(readonly name: string) {}

  private claim(name: string): string {
    if (this.names.has(name)) throw new Error(`ONNX graph ${this.name}: the name ${name} is used twice`);
    this.names.add(name);
    return name;
  }

  input(name: string, type: ElementType, dims: readonly Dim[]): string {
    this.inputs.push(valueInfo(this.claim(name), type, dims));
    return name;
  }

  /** Declares `value` (a node output) as a graph output under `name`. */
  output(value: string, name: string, type: ElementType, dims: readonly Dim[]): void {
    const out = value === name ? name : this.op('Identity', [value], {}, name);
    this.outputs.push(valueInfo(out, type, dims));
  }

  weight(name: string, dims: readonly number[], data: Float32Array): string {
    const size = dims.reduce((a, b) => a * b, 1);
    if (data.length !== size)
      throw new RangeError(`ONNX graph ${this.name}: weight ${name}: expected ${size} values for [${dims.join(', ')}], found ${data.length}`);
    this.initializers.push(
      create(TensorProtoSchema, { name: this.claim(name), dims: dims.map((d) => BigInt(d)), dataType: DataType.FLOAT, rawData: bytesOf(data) }),
    );
    return name;
  }

  /** An int64 constant (shapes, axes, indices), named after what it holds. */
  ints(values: readonly number[], name?: string): string {
    const n = this.claim(name ?? `const_${values.join('_').replaceAll('-', 'm')}_${this.counter++}`);
    this.initializers.push(
      create(TensorProtoSchema, {
        name: n,
        dims: [BigInt(values.length)],
        dataType: DataType.INT64,
        rawData: bytesOf(BigInt64Array.from(values, (v) => BigInt(v))),
      }),
    );
    return n;
  }

  /** A float scalar constant. */
  scalar(value: number, name?: string): string {
    const n = this.claim(name ?? `const_f${this.counter++}`);
    this.initializers.push(create(TensorProtoSchema, { name: n, dims: [], dataType: DataType.FLOAT, rawData: bytesOf(Float32Array.of(value)) }));
    return n;
  }

  /** Adds a node; returns its output's name (`output`, else the op's name and a counter). */
  op(opType: string, inputs: readonly string[], attributes: Record<string, AttributeValue> = {}, output?: string): string {
    return this.opMulti(opType, inputs, 1, attributes, output ? [output] : undefined)[0] as string;
  }

  /** A node with several outputs (Split). */
  opMulti(opType: string, inputs: readonly string[], count: number, attributes: Record<string, AttributeValue> = {}, outputs?: readonly string[]): string[] {
    const id = this.counter++;
    const names = outputs
      ? outputs.map((o) => this.claim(o))
      : Array.from({ length: count }, (_, i) => this.claim(`${opType.toLowerCase()}_${id}${count > 1 ? `_${i}` : ''}`));
    this.nodes.push(
      create(NodeProtoSchema, {
        name: `${opType}_${id}`,
        opType,
        input: [...inputs],
        output: names,
        attribute: Object.entries(attributes).map(([k, v]) => attribute(k, v)),
      }),
    );
    return names;
  }

  /** The serialised model (.onnx bytes). */
  toBytes(docString = ''): Uint8Array {
    const graph = create(GraphProtoSchema, { name: this.name, input: this.inputs, output: this.outputs, initializer: this.initializers, node: this.nodes });
    const model = create(ModelProtoSchema, {
      irVersion: BigInt(IR_VERSION),
      producerName: 'idc-lab',
      docString,
      graph,
      opsetImport: [{ domain: '', version: BigInt(OPSET) }],
    });
    return toBinary(ModelProtoSchema, model);
  }
}
