// Independent cross-check reader: prints Parquet files as JSON using hyparquet (no .NET code involved).
// Usage: node read-parquet.mjs <file-or-directory>...
// A directory contributes its *.parquet files in name order (the order our EpisodeReader uses).
// Output: {"files":[{"name","schema":[{"name","type","repetition_type","converted_type","logical_type"}],
//          "metadata":{key:value},"rows":[{column:value}]}]}; int64 values are printed as decimal strings
// so no precision is lost, float32 values as the exact double they widen to; -0, NaN and +-Infinity,
// which JSON numbers cannot carry, as the strings "-0", "NaN", "Infinity" and "-Infinity".
import { readdirSync, statSync } from 'node:fs'
import { basename, join } from 'node:path'
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from 'hyparquet'

const paths = process.argv.slice(2)
if (paths.length === 0) {
  console.error('usage: node read-parquet.mjs <file-or-directory>...')
  process.exit(2)
}

const files = paths.flatMap(p => statSync(p).isDirectory()
  ? readdirSync(p).filter(f => f.endsWith('.parquet')).sort().map(f => join(p, f))
  : [p])

const out = []
for (const path of files) {
  const file = await asyncBufferFromFile(path)
  const metadata = await parquetMetadataAsync(file)
  const rows = await parquetReadObjects({ file, metadata })
  out.push({
    name: basename(path),
    schema: metadata.schema.map(e => ({
      name: e.name,
      type: e.type ?? null,
      repetition_type: e.repetition_type ?? null,
      converted_type: e.converted_type ?? null,
      logical_type: e.logical_type?.type ?? null,
    })),
    metadata: Object.fromEntries((metadata.key_value_metadata ?? []).map(kv => [kv.key, kv.value ?? null])),
    rows,
  })
}

const replacer = (_key, value) =>
  typeof value === 'bigint' ? value.toString()
    : typeof value === 'number' && (Object.is(value, -0) || !Number.isFinite(value)) ? (Object.is(value, -0) ? '-0' : String(value))
    : ArrayBuffer.isView(value) ? Array.from(value)
      : value
process.stdout.write(JSON.stringify({ files: out }, replacer))
