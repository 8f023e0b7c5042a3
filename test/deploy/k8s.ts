/**
 * Validation of Kubernetes objects against the API's OpenAPI schemas, through the validators
 * that the `kubernetes-models` package generates from them (one module per apiVersion/kind).
 */
import { parseAllDocuments } from 'yaml';

/** A parsed Kubernetes object (only the fields the tests look at are typed). */
export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata?: { readonly name?: string; readonly labels?: Record<string, string> };
  readonly [field: string]: unknown;
}

interface Validatable {
  validate(): void;
}
type ModelClass = new (data: unknown) => Validatable;

/** The module path of the model of `apiVersion`/`kind` (core objects live under `v1/`). */
function modelPath(apiVersion: string, kind: string): string {
  const slash = apiVersion.indexOf('/');
  const dir =
    slash < 0 ? apiVersion : `${apiVersion.slice(0, slash)}/${apiVersion.slice(slash + 1)}`;
  return `kubernetes-models/${dir}/${kind}`;
}

/**
 * Validates one object against the schema of its apiVersion and kind. Throws with the object's
 * kind/name and the schema error when it does not fit, or when the kind is unknown.
 */
export async function validateObject(obj: KubeObject, where: string): Promise<void> {
  const id = `${where}: ${obj.kind}/${obj.metadata?.name ?? '?'}`;
  let mod: Record<string, unknown>;
  try {
    mod = (await import(modelPath(obj.apiVersion, obj.kind))) as Record<string, unknown>;
  } catch (err) {
    throw new Error(
      `cannot validate ${id}: unknown apiVersion/kind ${obj.apiVersion} ${obj.kind}`,
      {
        cause: err,
      },
    );
  }
  const Model = mod[obj.kind] as ModelClass | undefined;
  if (typeof Model !== 'function') throw new Error(`cannot validate ${id}: no model ${obj.kind}`);
  try {
    new Model(obj).validate();
  } catch (err) {
    throw new Error(`cannot validate ${id}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** Parses a multi-document YAML stream into objects; throws on YAML errors, skips empty docs. */
export function parseObjects(src: string, where: string): KubeObject[] {
  const out: KubeObject[] = [];
  for (const doc of parseAllDocuments(src)) {
    if (doc.errors.length > 0) {
      throw new Error(`cannot parse ${where}: ${doc.errors.map((e) => e.message).join('; ')}`);
    }
    const v: unknown = doc.toJS();
    if (v === null || v === undefined) continue;
    if (typeof v !== 'object' || Array.isArray(v))
      throw new Error(`cannot parse ${where}: not an object`);
    const o = v as Record<string, unknown>;
    if (typeof o['apiVersion'] !== 'string' || typeof o['kind'] !== 'string') {
      throw new Error(`cannot parse ${where}: an object without apiVersion and kind`);
    }
    out.push(o as KubeObject);
  }
  return out;
}
