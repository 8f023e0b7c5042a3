/**
 * The `dmi` collector: `node_dmi_info` from `/sys/class/dmi/id` (firmware, board, chassis and
 * product identification). Name, help text and labels are node_exporter 1.5's.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import {
  type CollectContext,
  NoDataError,
  isNotFound,
  isPermission,
  readSysAttr,
  sysPath,
} from './context.js';
import { MetricFamily } from './family.js';

/** DMI attribute files and the labels they become, sorted by label name. */
const LABELS: readonly (readonly [file: string, label: string])[] = [
  ['bios_date', 'bios_date'],
  ['bios_release', 'bios_release'],
  ['bios_vendor', 'bios_vendor'],
  ['bios_version', 'bios_version'],
  ['board_asset_tag', 'board_asset_tag'],
  ['board_name', 'board_name'],
  ['board_serial', 'board_serial'],
  ['board_vendor', 'board_vendor'],
  ['board_version', 'board_version'],
  ['chassis_asset_tag', 'chassis_asset_tag'],
  ['chassis_serial', 'chassis_serial'],
  ['chassis_vendor', 'chassis_vendor'],
  ['chassis_version', 'chassis_version'],
  ['product_family', 'product_family'],
  ['product_name', 'product_name'],
  ['product_serial', 'product_serial'],
  ['product_sku', 'product_sku'],
  ['product_uuid', 'product_uuid'],
  ['product_version', 'product_version'],
  ['sys_vendor', 'system_vendor'],
];

const HELP =
  "A metric with a constant '1' value labeled by bios_date, bios_release, bios_vendor, bios_version, " +
  'board_asset_tag, board_name, board_serial, board_vendor, board_version, chassis_asset_tag, ' +
  'chassis_serial, chassis_vendor, chassis_version, product_family, product_name, product_serial, ' +
  'product_sku, product_uuid, product_version, system_vendor if provided by DMI.';

/**
 * Reports `node_dmi_info` with one label per DMI attribute file present (an empty file gives an
 * empty label). Files the process may not read (the serials and UUID are root-only) are left
 * out. No `/sys/class/dmi/id` (ARM boards such as the Raspberry Pi) or no known attribute is
 * NoDataError.
 */
export async function collectDmi(ctx: CollectContext): Promise<MetricFamily[]> {
  const dir = sysPath(ctx, 'class', 'dmi', 'id');
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    if (isNotFound(err)) throw new NoDataError('DMI information (/sys/class/dmi/id)');
    throw err;
  }
  const labelOf = new Map(LABELS);
  const values = new Map<string, string>();
  // Every attribute is read (as node_exporter does), so one that fails to read fails the collector.
  await Promise.all(
    entries
      .filter((e) => e.isFile() && e.name !== 'modalias' && e.name !== 'uevent')
      .map(async (e) => {
        try {
          const v = await readSysAttr(path.join(dir, e.name));
          const label = labelOf.get(e.name);
          if (label !== undefined) values.set(label, v);
        } catch (err) {
          if (!isPermission(err)) throw err;
        }
      }),
  );
  const present = LABELS.map(([, label]) => label).filter((l) => values.has(l));
  if (present.length === 0) throw new NoDataError('DMI information (no attributes)');
  const f = new MetricFamily('node_dmi_info', HELP, 'gauge', present);
  f.add(1, ...present.map((l) => values.get(l) ?? ''));
  return [f];
}
