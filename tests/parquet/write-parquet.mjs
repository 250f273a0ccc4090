// Writes a flow log as Parquet with DuckDB, a writer independent of the reader under test, in AWS's shape: column
// names with underscores, int32/int64/string as in AWS's table of Parquet types, null for an absent ('-') value.
//   node write-parquet.mjs --input FLOWLOG.txt --output OUT.parquet [--row-group-size N] [--type column=DUCKDB_TYPE]...
//   node write-parquet.mjs --generate ROWS --output OUT.parquet [--row-group-size N]
//   either with [--compression CODEC] [--parquet-version V1|V2]
// --input: a text flow log (header line, then records, fields separated by one space; an empty field is an empty
// string). --type overrides a column's type (for a wrong schema). --generate: ROWS synthetic v5 records (for memory
// and throughput measurements). --compression: DuckDB's codec name (uncompressed, snappy, gzip, zstd, lz4, brotli).
// --parquet-version: V2 makes DuckDB write DELTA_BINARY_PACKED and DELTA_LENGTH_BYTE_ARRAY for columns it does not
// dictionary-encode (V1, the default, writes PLAIN for them).
import { DuckDBInstance } from "@duckdb/node-api";
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";

const { values: args } = parseArgs({
  options: {
    input: { type: "string" },
    generate: { type: "string" },
    output: { type: "string" },
    "row-group-size": { type: "string", default: "122880" },
    compression: { type: "string", default: "gzip" },
    "parquet-version": { type: "string", default: "V1" },
    type: { type: "string", multiple: true, default: [] },
  },
});
if (!args.output || !!args.input === !!args.generate) {
  console.error("usage: node write-parquet.mjs (--input FLOWLOG.txt | --generate ROWS) --output OUT.parquet [--row-group-size N] " +
    "[--compression CODEC] [--parquet-version V1|V2] [--type column=TYPE]...");
  process.exit(2);
}

// AWS's Parquet types for flow log fields; every other field is a string.
const int32 = new Set(["version", "srcport", "dstport", "protocol", "tcp-flags", "traffic-path"]);
const int64 = new Set(["packets", "bytes", "start", "end", "packets-lost-no-route", "packets-lost-blackhole", "packets-lost-mtu-exceeded", "packets-lost-ttl-expired"]);
const overrides = new Map(args.type.map((t) => t.split("=", 2)));
const typeOf = (name) => overrides.get(name) ?? (int32.has(name) ? "INTEGER" : int64.has(name) ? "BIGINT" : "VARCHAR");
const literal = (s) => `'${s.replaceAll("'", "''")}'`;
const ident = (s) => `"${s.replaceAll('"', '""')}"`;
const rowGroupSize = Number.parseInt(args["row-group-size"], 10);
const compression = args.compression.toUpperCase();
const parquetVersion = args["parquet-version"].toUpperCase();
if (!/^[A-Z0-9_]+$/.test(compression) || !/^V[12]$/.test(parquetVersion)) {
  console.error(`unknown --compression ${args.compression} or --parquet-version ${args["parquet-version"]}`);
  process.exit(2);
}

const db = await DuckDBInstance.create(":memory:");
const connection = await db.connect();
let select;
if (args.input) {
  // Column names come from the header line; every value is read as text and cast to AWS's type.
  const header = readFileSync(args.input, "utf8").split("\n", 1)[0].trim().split(" ");
  const columns = `{${header.map((n) => `${literal(n)}: 'VARCHAR'`).join(", ")}}`;
  const casts = header.map((n) => `CAST(${ident(n)} AS ${typeOf(n)}) AS ${ident(n.replaceAll("-", "_"))}`).join(", ");
  select = `SELECT ${casts} FROM read_csv(${literal(args.input)}, delim = ' ', header = true, quote = '', escape = '', ` +
    `nullstr = '-', auto_detect = false, columns = ${columns})`;
} else {
  const rows = Number.parseInt(args.generate, 10);
  // Plausible v5 records: addresses, ports and counters vary by row so that dictionaries and pages are AWS-like.
  select = `SELECT 5::INTEGER AS version, '123456789012' AS account_id, 'eni-' || lpad(to_hex(i % 64), 17, '0') AS interface_id,
      '10.0.' || (i % 250) || '.' || (i % 251) AS srcaddr, '10.1.' || (i % 249) || '.' || (i % 247) AS dstaddr,
      (1024 + i % 60000)::INTEGER AS srcport, (ARRAY[443, 80, 22, 5432, 53])[1 + i % 5]::INTEGER AS dstport,
      (ARRAY[6, 17, 1])[1 + i % 3]::INTEGER AS protocol, (1 + i % 97)::BIGINT AS packets, (60 + (i * 7919) % 150000)::BIGINT AS bytes,
      (1763805900 + i // 1000)::BIGINT AS start, (1763805960 + i // 1000)::BIGINT AS "end",
      CASE WHEN i % 11 = 0 THEN 'REJECT' ELSE 'ACCEPT' END AS action, 'OK' AS log_status,
      'vpc-0a1b2c3d' AS vpc_id, 'subnet-0bb22cc33dd44ee55' AS subnet_id, CASE WHEN i % 3 = 0 THEN NULL ELSE 'i-0123456789abcdef' || (i % 10) END AS instance_id,
      (i % 32)::INTEGER AS tcp_flags, 'IPv4' AS type, '10.0.' || (i % 250) || '.' || (i % 251) AS pkt_srcaddr, '10.1.' || (i % 249) || '.' || (i % 247) AS pkt_dstaddr,
      'us-east-1' AS region, 'use1-az6' AS az_id, NULL::VARCHAR AS sublocation_type, NULL::VARCHAR AS sublocation_id,
      CASE WHEN i % 7 = 0 THEN 'S3' ELSE NULL END AS pkt_src_aws_service, NULL::VARCHAR AS pkt_dst_aws_service,
      CASE WHEN i % 2 = 0 THEN 'ingress' ELSE 'egress' END AS flow_direction, (1 + i % 8)::INTEGER AS traffic_path
    FROM range(${rows}) t(i)`;
}
await connection.run(`COPY (${select}) TO ${literal(args.output)} (FORMAT PARQUET, COMPRESSION ${compression}, ROW_GROUP_SIZE ${rowGroupSize}, ` +
  `PARQUET_VERSION ${parquetVersion})`);
connection.closeSync();
