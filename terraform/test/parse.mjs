// Static checks of the Terraform module, without Terraform or AWS: every .tf file under terraform/ is parsed with
// @cdktf/hcl2json (the HCL parser Terraform uses, compiled to WebAssembly) and the production guarantees that
// terraform/README.md promises are asserted on the result. Formatting is checked against the layout rules of
// `terraform fmt` (hclwrite), since Terraform itself is not installed where the suite runs.
//
// Run: node parse.mjs (from terraform/test, after npm ci). Exit code 0 when every check passes.

import { readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parse } from "@cdktf/hcl2json";

const MODULE = join(dirname(fileURLToPath(import.meta.url)), "..");
const EXAMPLE = join(MODULE, "examples", "production");

// AWS managed policies attached to the roles of AWS services (EKS control plane, nodes, the VPC CNI, RDS
// Enhanced Monitoring). Their documents are AWS's and hold wildcards this module cannot narrow; README.md, "IAM
// exceptions", says why each is required.
const ALLOWED_MANAGED_POLICIES = new Map([
  ["AmazonEKSClusterPolicy", "aws_iam_role.cluster"],
  ["AmazonEKSWorkerNodePolicy", "aws_iam_role.node"],
  ["AmazonEC2ContainerRegistryPullOnly", "aws_iam_role.node"],
  ["AmazonEKS_CNI_Policy", "aws_iam_role.vpc_cni"],
  ["service-role/AmazonRDSEnhancedMonitoringRole", "aws_iam_role.rds_monitoring"],
]);

// Variables of these types need no validation: a bool has no value to constrain.
const UNCONSTRAINED_TYPES = new Set(["${bool}"]);

function tfFiles(dir) {
  const out = [];
  for (const entry of readdirSync(dir)) {
    if (entry === "node_modules" || entry === ".terraform" || entry === "test") continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...tfFiles(path));
    else if (entry.endsWith(".tf")) out.push(path);
  }
  return out.sort();
}

const files = tfFiles(MODULE);
const sources = new Map(files.map((f) => [f, readFileSync(f, "utf8")]));
const parsed = new Map();
const parseErrors = new Map();
for (const [file, text] of sources) {
  try {
    parsed.set(file, await parse(relative(MODULE, file), text));
  } catch (e) {
    parseErrors.set(file, e);
  }
}

/** Merges the parsed files of one directory into one module: blocks by kind, type and name. */
function moduleOf(dir) {
  const m = { variable: {}, output: {}, resource: {}, data: {}, locals: {}, module: {}, terraform: [], provider: {} };
  for (const [file, json] of parsed) {
    if (dirname(file) !== dir) continue;
    for (const [kind, body] of Object.entries(json)) {
      if (kind === "terraform") m.terraform.push(...body);
      else if (kind === "locals") body.forEach((l) => Object.assign(m.locals, l));
      else if (kind === "resource" || kind === "data") {
        for (const [type, byName] of Object.entries(body)) {
          m[kind][type] ??= {};
          for (const [name, blocks] of Object.entries(byName)) m[kind][type][name] = blocks[0];
        }
      } else {
        m[kind] ??= {};
        for (const [name, blocks] of Object.entries(body)) m[kind][name] = Array.isArray(blocks) ? blocks[0] : blocks;
      }
    }
  }
  return m;
}

const root = moduleOf(MODULE);
const example = moduleOf(EXAMPLE);

const resources = (type) => Object.entries(root.resource[type] ?? {});
const one = (type, name) => {
  const r = root.resource[type]?.[name];
  assert.ok(r, `${type}.${name} exists`);
  return r;
};
const block = (value) => (Array.isArray(value) ? value[0] : value);
const blocks = (value) => (value === undefined ? [] : Array.isArray(value) ? value : [value]);
const isRef = (value, pattern) => typeof value === "string" && value.startsWith("${") && pattern.test(value);
const varName = (value) => /^\$\{var\.([a-z0-9_]+)\}$/.exec(value ?? "")?.[1];

/** A literal list, or a local holding one. */
function literalList(value) {
  const local = /^\$\{local\.([a-z0-9_]+)\}$/.exec(typeof value === "string" ? value : "");
  if (local) return literalList(root.locals[local[1]]);
  return blocks(value);
}

/** Every aws_iam_policy_document, with what uses it. */
function policyDocuments() {
  const users = new Map();
  const uses = [
    ["aws_kms_key", "policy", "key policy"],
    ["aws_iam_role", "assume_role_policy", "trust policy"],
    ["aws_iam_role_policy", "policy", "identity policy"],
    ["aws_iam_policy", "policy", "identity policy"],
    ["aws_s3_bucket_policy", "policy", "bucket policy"],
  ];
  for (const [type, attr, kind] of uses) {
    for (const [name, r] of resources(type)) {
      const m = /^\$\{data\.aws_iam_policy_document\.([a-z0-9_]+)\.json\}$/.exec(r[attr] ?? "");
      if (m) users.set(m[1], { kind, user: `${type}.${name}` });
    }
  }
  return Object.entries(root.data.aws_iam_policy_document ?? {}).map(([name, doc]) => ({
    name,
    statements: blocks(doc.statement),
    ...(users.get(name) ?? { kind: "unused", user: null }),
  }));
}

// ---------------------------------------------------------------------------------------------------------------
// Formatting: the layout `terraform fmt` produces (hclwrite's indent and alignment rules).

function lexLines(text) {
  const lines = text.split("\n").map(() => []);
  let i = 0;
  let line = 0;
  let col = 0;
  const push = (type, start, end, value) => lines[line].push({ type, start, end, value });
  const advance = (n) => {
    for (let k = 0; k < n; k++) {
      if (text[i] === "\n") {
        line++;
        col = 0;
      } else col++;
      i++;
    }
  };
  // A quoted template, with its interpolations, as one token; it must end on its line.
  const skipString = () => {
    advance(1);
    while (i < text.length && text[i] !== '"') {
      if (text[i] === "\n") throw new Error(`line ${line + 1}: string runs past the end of the line`);
      if (text[i] === "\\") advance(2);
      else if ((text[i] === "$" || text[i] === "%") && text[i + 1] === "{") {
        advance(2);
        let depth = 1;
        while (i < text.length && depth > 0) {
          if (text[i] === '"') skipString();
          else {
            if (text[i] === "{") depth++;
            if (text[i] === "}") depth--;
            advance(1);
          }
        }
      } else advance(1);
    }
    advance(1);
  };
  while (i < text.length) {
    const c = text[i];
    const start = col;
    if (c === "\n" || c === " ") advance(1);
    else if (c === "#" || (c === "/" && text[i + 1] === "/")) {
      const end = text.indexOf("\n", i);
      const n = (end === -1 ? text.length : end) - i;
      push("comment", start, start + n);
      advance(n);
    } else if (c === "/" && text[i + 1] === "*") throw new Error(`line ${line + 1}: use # comments, not /* */`);
    else if (c === "<" && text[i + 1] === "<") throw new Error(`line ${line + 1}: no heredocs (use jsonencode or a policy document)`);
    else if (c === '"') {
      const startLine = line;
      skipString();
      lines[startLine].push({ type: "string", start, end: col });
    } else if ("{[(".includes(c)) {
      push("open", start, start + 1, c);
      advance(1);
    } else if ("}])".includes(c)) {
      push("close", start, start + 1, c);
      advance(1);
    } else if (c === "=" && !"=>".includes(text[i + 1]) && !"=!<>".includes(text[i - 1])) {
      push("equal", start, start + 1);
      advance(1);
    } else if (c === ",") {
      push("comma", start, start + 1);
      advance(1);
    } else {
      let n = 1;
      while (i + n < text.length && !' \n"#{}[](),='.includes(text[i + n])) n++;
      if (text[i + n] === "=" && "=>".includes(text[i + n + 1] ?? "")) n += 2;
      else if (text[i + n] === "=" && "=!<>".includes(text[i + n - 1])) n += 1;
      push("word", start, start + n, text.slice(i, i + n));
      advance(n);
    }
  }
  return lines;
}

const bracketChange = (t) => (t.type === "open" ? 1 : t.type === "close" ? -1 : 0);

/** Returns the formatting problems of one file, as "line N: ..." strings. */
function formatProblems(text) {
  const problems = [];
  if (text.includes("\r")) problems.push("CRLF line endings");
  if (text.includes("\t")) problems.push("tab characters (indent with two spaces)");
  if (!text.endsWith("\n") || text.endsWith("\n\n")) problems.push("the file must end with exactly one newline");
  const raw = text.split("\n");
  raw.forEach((l, n) => {
    if (/\s+$/.test(l)) problems.push(`line ${n + 1}: trailing whitespace`);
  });
  let lines;
  try {
    lines = lexLines(text);
  } catch (e) {
    return [...problems, e.message];
  }
  // Split each line into lead, assign and comment cells as hclwrite does.
  const cells = lines.map((tokens) => {
    let lead = tokens;
    let comment = null;
    let assign = null;
    if (lead.length > 1 && lead[lead.length - 1].type === "comment") {
      comment = lead[lead.length - 1];
      lead = lead.slice(0, -1);
    }
    const eq = lead.findIndex((t, k) => k > 0 && t.type === "equal");
    if (eq > 0 && lead.slice(eq).reduce((s, t) => s + bracketChange(t), 0) === 0) {
      assign = lead.slice(eq);
      lead = lead.slice(0, eq);
    }
    return { tokens, lead, assign, comment };
  });
  // Indentation: two spaces per open line-level bracket group.
  const indents = [];
  cells.forEach((c, n) => {
    if (c.tokens.length === 0) return;
    const net = c.tokens.reduce((s, t) => s + bracketChange(t), 0);
    if (net < 0) {
      let closed = -net;
      while (closed > 0 && indents.length > 0) {
        const top = indents[indents.length - 1];
        if (closed >= top) {
          closed -= top;
          indents.pop();
        } else {
          indents[indents.length - 1] -= closed;
          closed = 0;
        }
      }
    }
    const want = 2 * indents.length;
    if (c.tokens[0].start !== want) problems.push(`line ${n + 1}: indented ${c.tokens[0].start}, expected ${want}`);
    if (net > 0) indents.push(net);
  });
  // Alignment of "=" over consecutive attribute lines, then of trailing comments.
  const chains = (has) => {
    const out = [];
    let cur = [];
    cells.forEach((c, n) => {
      if (has(c)) cur.push(n);
      else if (cur.length) out.push(cur), (cur = []);
    });
    if (cur.length) out.push(cur);
    return out;
  };
  for (const chain of chains((c) => c.assign)) {
    const col = Math.max(...chain.map((n) => cells[n].lead[cells[n].lead.length - 1].end)) + 1;
    for (const n of chain) {
      const eq = cells[n].assign[0];
      if (eq.start !== col) problems.push(`line ${n + 1}: "=" at column ${eq.start + 1}, expected ${col + 1} (aligned with its neighbours)`);
      const next = cells[n].assign[1];
      if (next && next.start !== eq.end + 1) problems.push(`line ${n + 1}: one space after "="`);
    }
  }
  for (const chain of chains((c) => c.comment)) {
    const col = Math.max(...chain.map((n) => {
      const before = [...cells[n].lead, ...(cells[n].assign ?? [])];
      return before[before.length - 1].end;
    })) + 1;
    for (const n of chain) {
      if (cells[n].comment.start !== col) problems.push(`line ${n + 1}: trailing comment at column ${cells[n].comment.start + 1}, expected ${col + 1}`);
    }
  }
  // Spacing inside lines that hclwrite normalises.
  cells.forEach((c, n) => {
    const t = c.tokens;
    for (let k = 1; k < t.length; k++) {
      const gap = t[k].start - t[k - 1].end;
      const tight = (t[k - 1].type === "open" && t[k - 1].value !== "{") || (t[k].type === "close" && t[k].value !== "}") || t[k].type === "comma";
      if (tight && gap !== 0) problems.push(`line ${n + 1}: no space expected at column ${t[k - 1].end + 1}`);
      else if (t[k - 1].type === "comma" && gap !== 1) problems.push(`line ${n + 1}: one space after ","`);
      else if (t[k].type === "equal" && k !== c.lead.length && gap !== 1) problems.push(`line ${n + 1}: one space before "="`);
      else if (!tight && gap > 1 && t[k].type !== "equal" && t[k].type !== "comment") problems.push(`line ${n + 1}: extra spaces at column ${t[k - 1].end + 1}`);
    }
  });
  return problems;
}

// ---------------------------------------------------------------------------------------------------------------

describe("every .tf file", () => {
  it("there are files to check, in the module and its example", () => {
    assert.ok(files.some((f) => dirname(f) === MODULE), "root module files");
    assert.ok(files.some((f) => dirname(f) === EXAMPLE), "examples/production");
  });
  for (const file of files) {
    const name = relative(MODULE, file);
    it(`${name} parses`, () => assert.ok(parsed.has(file), `${name}: ${parseErrors.get(file)}`));
    it(`${name} is formatted as terraform fmt would`, () => {
      const problems = formatProblems(sources.get(file));
      assert.deepEqual(problems, [], `${name}:\n  ${problems.join("\n  ")}`);
    });
  }
});

describe("versions", () => {
  it("requires Terraform >= 1.7 (removed blocks) and the AWS provider 5.x", () => {
    const t = root.terraform.find((b) => b.required_providers);
    assert.ok(t, "a terraform block with required_providers");
    assert.equal(t.required_version, ">= 1.7");
    const aws = block(t.required_providers).aws;
    assert.equal(aws.source, "hashicorp/aws");
    assert.match(aws.version, /^~> 5\.\d+$/);
  });
  it("configures no provider inside the module (the caller does)", () => {
    assert.deepEqual(Object.keys(root.provider ?? {}), []);
  });
});

describe("variables", () => {
  const vars = Object.entries(root.variable);
  it("has variables", () => assert.ok(vars.length > 20));
  for (const [name, v] of vars) {
    it(`${name} has a description and a type`, () => {
      assert.ok(typeof v.description === "string" && v.description.length > 10, `${name}: description`);
      assert.ok(v.type, `${name}: type`);
    });
    if (!UNCONSTRAINED_TYPES.has(v.type)) {
      it(`${name} is validated`, () => {
        const rules = blocks(v.validation);
        assert.ok(rules.length > 0, `${name}: a validation block`);
        for (const r of rules) {
          assert.ok(r.condition.includes(`var.${name}`), `${name}: the condition tests var.${name}`);
          assert.match(r.error_message, /^[A-Z].*[.?]$/, `${name}: error_message is a sentence`);
        }
      });
    }
  }
  const bounds = (name, lo, hi) => {
    const c = blocks(root.variable[name]?.validation).map((r) => r.condition).join(" ");
    assert.ok(c.includes(`var.${name} >= ${lo}`), `${name}: validated >= ${lo}`);
    if (hi !== undefined) assert.ok(c.includes(`var.${name} <= ${hi}`), `${name}: validated <= ${hi}`);
    const d = root.variable[name].default;
    if (d !== undefined) assert.ok(d >= lo && (hi === undefined || d <= hi), `${name}: default ${d} within bounds`);
  };
  it("backup retention is bounded to 7..35 days", () => bounds("db_backup_retention_days", 7, 35));
  it("the zone count is at least 2 (default 3)", () => {
    bounds("az_count", 2);
    assert.equal(root.variable.az_count.default, 3);
  });
  it("CIDRs, instance classes and the environment name are validated", () => {
    for (const n of ["vpc_cidr", "cluster_endpoint_public_access_cidrs", "db_instance_class", "redis_node_type", "node_instance_types", "environment"]) {
      assert.ok(blocks(root.variable[n]?.validation).length > 0, n);
    }
    assert.ok(root.variable.vpc_cidr.validation[0].condition.includes("cidrhost"), "vpc_cidr is checked as a CIDR");
    assert.ok(root.variable.cluster_endpoint_public_access_cidrs.validation[0].condition.includes("0.0.0.0/0"), "the API is never open to the world");
  });
  it("preconditions also read as sentences", () => {
    for (const [type, byName] of Object.entries(root.resource)) {
      for (const [name, r] of Object.entries(byName)) {
        for (const p of blocks(block(r.lifecycle)?.precondition)) {
          assert.match(p.error_message, /^[A-Z].*[.?]$/, `${type}.${name}`);
        }
      }
    }
  });
});

describe("network", () => {
  it("spreads public, private and database subnets over var.az_count zones, with NAT", () => {
    for (const tier of ["public", "private", "database"]) {
      assert.equal(one("aws_subnet", tier).count, "${var.az_count}", `aws_subnet.${tier}`);
    }
    assert.ok(root.resource.aws_nat_gateway, "NAT gateways");
    assert.ok(!/0\.0\.0\.0/.test(JSON.stringify(root.resource.aws_route?.database ?? {})), "no default route from database subnets");
  });

  const ingress = [];
  for (const [name, sg] of resources("aws_security_group")) {
    for (const rule of blocks(sg.ingress)) ingress.push({ id: `aws_security_group.${name}`, sg: name, ...rule });
  }
  for (const [name, r] of resources("aws_security_group_rule")) {
    if (r.type === "ingress") ingress.push({ id: `aws_security_group_rule.${name}`, sg: r.security_group_id, ...r });
  }
  for (const [name, r] of resources("aws_vpc_security_group_ingress_rule")) {
    ingress.push({ id: `aws_vpc_security_group_ingress_rule.${name}`, sg: r.security_group_id, ...r, cidr_blocks: [r.cidr_ipv4, r.cidr_ipv6].filter(Boolean) });
  }
  it("admits nothing from 0.0.0.0/0 except a load balancer on 443", () => {
    for (const r of ingress) {
      const open = [...blocks(r.cidr_blocks), ...blocks(r.ipv6_cidr_blocks)].some((c) => c === "0.0.0.0/0" || c === "::/0");
      if (open) {
        assert.ok(/(^|[._])(lb|alb|load_balancer)([._]|$)/.test(String(r.sg)) && r.from_port === 443 && r.to_port === 443, `${r.id} is open to the internet`);
      }
      assert.notEqual(r.ip_protocol, "-1", `${r.id} admits every protocol`);
    }
  });
  it("admits MariaDB on 3306 and Redis on 6379 from the app security group only", () => {
    const into = (sg) => ingress.filter((r) => r.sg === `\${aws_security_group.${sg}.id}` || r.sg === sg);
    for (const [sg, port] of [["database", 3306], ["redis", 6379]]) {
      const rules = into(sg);
      assert.ok(rules.length > 0, `ingress into ${sg}`);
      for (const r of rules) {
        assert.equal(r.from_port, port, r.id);
        assert.equal(r.to_port, port, r.id);
        assert.equal(r.referenced_security_group_id, "${aws_security_group.app.id}", `${r.id} comes from the app`);
        assert.deepEqual(blocks(r.cidr_blocks), [], `${r.id} has no CIDR`);
      }
    }
    assert.ok(isRef(one("aws_db_instance", "this").vpc_security_group_ids[0], /aws_security_group\.database\.id/));
    assert.ok(isRef(one("aws_elasticache_replication_group", "this").security_group_ids[0], /aws_security_group\.redis\.id/));
  });
  it("leaves the default security group without rules", () => {
    const d = one("aws_default_security_group", "this");
    assert.equal(d.ingress, undefined);
    assert.equal(d.egress, undefined);
  });
});

describe("database", () => {
  it("is MariaDB 10.11, multi-AZ, encrypted with a CMK, private, protected and backed up", () => {
    const db = one("aws_db_instance", "this");
    assert.equal(db.engine, "mariadb");
    assert.match(root.variable[varName(db.engine_version)].default, /^10\.11/);
    assert.equal(db.multi_az, true);
    assert.equal(db.storage_encrypted, true);
    assert.ok(isRef(db.kms_key_id, /aws_kms_key\./), "storage encrypted with a customer managed key");
    assert.equal(db.publicly_accessible, false);
    assert.equal(db.deletion_protection, true);
    assert.equal(db.skip_final_snapshot, false);
    assert.equal(db.performance_insights_enabled, true);
    const retention = db.backup_retention_period;
    if (typeof retention === "number") assert.ok(retention >= 7);
    else assert.equal(varName(retention), "db_backup_retention_days", "retention comes from the validated variable");
    assert.ok(db.manage_master_user_password === true || isRef(db.password, /random_password\./), "password generated, never literal");
  });
  it("uses utf8mb4 and requires TLS", () => {
    const pg = one("aws_db_parameter_group", "this");
    const params = Object.fromEntries(blocks(pg.parameter).map((p) => [p.name, p.value]));
    assert.equal(params.character_set_server, "utf8mb4");
    assert.match(params.collation_server, /^utf8mb4_/);
    assert.equal(params.require_secure_transport, "1");
    assert.ok(isRef(one("aws_db_instance", "this").parameter_group_name, /aws_db_parameter_group\.this/));
  });
});

describe("cache", () => {
  it("is Redis 7 with TLS, encryption at rest, an auth token and multi-AZ failover", () => {
    const rg = one("aws_elasticache_replication_group", "this");
    assert.equal(rg.engine, "redis");
    assert.match(root.variable[varName(rg.engine_version)].default, /^7\./);
    assert.equal(rg.transit_encryption_enabled, true);
    assert.equal(rg.at_rest_encryption_enabled, true);
    assert.ok(isRef(rg.kms_key_id, /aws_kms_key\./), "at rest with a customer managed key");
    assert.ok(isRef(rg.auth_token, /random_password\.|aws_secretsmanager/), "auth token set, never literal");
    assert.equal(rg.automatic_failover_enabled, true);
    assert.equal(rg.multi_az_enabled, true);
    assert.equal(rg.port, 6379);
  });
});

describe("storage", () => {
  const buckets = resources("aws_s3_bucket").map(([n]) => n);
  const forBucket = (type, bucket) =>
    resources(type).map(([, r]) => r).filter((r) => r.bucket === `\${aws_s3_bucket.${bucket}.id}`);
  it("has the backups and media buckets", () => assert.deepEqual(buckets.sort(), ["backups", "media"]));
  for (const b of buckets) {
    it(`${b}: SSE-KMS with a customer managed key`, () => {
      const [sse] = forBucket("aws_s3_bucket_server_side_encryption_configuration", b);
      assert.ok(sse, "an encryption configuration");
      const d = block(block(sse.rule).apply_server_side_encryption_by_default);
      assert.equal(d.sse_algorithm, "aws:kms");
      assert.ok(isRef(d.kms_master_key_id, /aws_kms_key\./));
    });
    it(`${b}: versioning enabled`, () => {
      const [v] = forBucket("aws_s3_bucket_versioning", b);
      assert.equal(block(v?.versioning_configuration)?.status, "Enabled");
    });
    it(`${b}: every public access blocked`, () => {
      const [p] = forBucket("aws_s3_bucket_public_access_block", b);
      assert.ok(p, "a public access block");
      for (const k of ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"]) {
        assert.equal(p[k], true, k);
      }
      const [o] = forBucket("aws_s3_bucket_ownership_controls", b);
      assert.equal(block(o?.rule)?.object_ownership, "BucketOwnerEnforced", "ACLs disabled");
    });
    it(`${b}: lifecycle rules expire objects and old versions`, () => {
      const [l] = forBucket("aws_s3_bucket_lifecycle_configuration", b);
      const rules = blocks(l?.rule).filter((r) => r.status === "Enabled");
      assert.ok(rules.some((r) => block(r.expiration)?.days), "current objects expire");
      assert.ok(rules.some((r) => block(r.noncurrent_version_expiration)), "old versions expire");
      assert.ok(rules.some((r) => block(r.abort_incomplete_multipart_upload)), "incomplete uploads are aborted");
    });
    it(`${b}: the bucket policy denies insecure transport and other keys`, () => {
      const [p] = forBucket("aws_s3_bucket_policy", b);
      const doc = policyDocuments().find((d) => p && p.policy === `\${data.aws_iam_policy_document.${d.name}.json}`);
      assert.ok(doc, "a bucket policy from a policy document");
      assert.ok(doc.statements.some((s) => s.effect === "Deny" && blocks(s.condition).some(
        (c) => c.variable === "aws:SecureTransport" && c.values[0] === "false")), "Deny when aws:SecureTransport is false");
      const keyId = "s3:x-amz-server-side-encryption-aws-kms-key-id";
      assert.ok(doc.statements.some((s) => s.effect === "Deny" && blocks(s.condition).some(
        (c) => c.variable === keyId && c.test === "StringNotEquals" && c.values[0] === "${aws_kms_key.hub.arn}")), "Deny uploads naming another key");
      assert.ok(doc.statements.some((s) => s.effect === "Deny" && blocks(s.condition).some(
        (c) => c.variable === keyId && c.test === "Null" && c.values[0] === "true")), "Deny uploads asking for encryption without the hub key");
    });
  }
  it("backups move to Glacier and then expire, per variables", () => {
    const [l] = forBucket("aws_s3_bucket_lifecycle_configuration", "backups");
    const r = blocks(l.rule).find((x) => x.transition);
    assert.equal(block(r.transition).storage_class, "GLACIER");
    assert.ok(varName(block(r.transition).days), "transition after a variable's days");
    assert.ok(varName(block(r.expiration).days), "expiration after a variable's days");
  });
  it("media expires per a variable", () => {
    const [l] = forBucket("aws_s3_bucket_lifecycle_configuration", "media");
    assert.ok(blocks(l.rule).some((r) => varName(block(r.expiration)?.days) === "media_expire_after_days"));
  });
});

describe("secrets", () => {
  it("keeps the database and Redis credentials in Secrets Manager, and a secret for the secrets key", () => {
    const versions = resources("aws_secretsmanager_secret_version").map(([, r]) => r.secret_string).join("\n");
    assert.ok(one("aws_secretsmanager_secret", "secrets_key"));
    assert.match(versions, /CHANNELHUB_DB_PASSWORD\s*=\s*random_password\.db\.result/);
    assert.match(versions, /CHANNELHUB_REDIS_URI\s*=\s*"rediss:\/\//);
  });
  it("never generates, writes or reads the secrets key: it is in no state", () => {
    const all = [...sources.values()].join("\n");
    assert.equal(resources("random_bytes").length, 0, "no generated key");
    assert.ok(!resources("aws_secretsmanager_secret_version").some(([name]) => name === "secrets_key"),
      "no secret version written for it");
    assert.ok(!Object.keys(root.data.aws_secretsmanager_secret_version ?? {}).length, "no secret value read");
    assert.doesNotMatch(all, /CHANNELHUB_SECRETS_KEY\s*=/, "no value assigned to it anywhere");
    assert.equal(one("aws_secretsmanager_secret", "secrets_key").lifecycle?.[0]?.prevent_destroy, true);
    // A state from an earlier version is made to forget them without destroying the secret's value.
    const removed = [...parsed.values()].flatMap((j) => j.removed ?? []);
    for (const from of ["random_bytes.secrets_key", "aws_secretsmanager_secret_version.secrets_key"]) {
      const r = removed.find((b) => b.from === from || b.from === "${" + from + "}");
      assert.ok(r, "a removed block for " + from);
      assert.equal(r.lifecycle?.[0]?.destroy, false, from + " is forgotten, not destroyed");
    }
  });
  it("encrypts every secret with a customer managed key", () => {
    const secrets = resources("aws_secretsmanager_secret");
    assert.ok(secrets.length >= 3);
    for (const [name, s] of secrets) assert.ok(isRef(s.kms_key_id, /aws_kms_key\./), name);
  });
  it("rotates the KMS keys", () => {
    for (const [name, k] of resources("aws_kms_key")) assert.equal(k.enable_key_rotation, true, name);
  });
});

describe("compute", () => {
  it("runs EKS with encrypted secrets, an IRSA provider and a managed node group", () => {
    const c = one("aws_eks_cluster", "this");
    assert.ok(isRef(block(block(c.encryption_config).provider).key_arn, /aws_kms_key\./));
    const vpc = block(c.vpc_config);
    assert.equal(vpc.endpoint_private_access, true);
    assert.ok(String(vpc.endpoint_public_access).includes("length(var.cluster_endpoint_public_access_cidrs) > 0"), "public API only with an allow-list");
    assert.ok(isRef(vpc.subnet_ids, /aws_subnet\.private/), "nodes and control plane in private subnets");
    assert.deepEqual(one("aws_iam_openid_connect_provider", "eks").client_id_list, ["sts.amazonaws.com"]);
    assert.ok(isRef(one("aws_eks_node_group", "this").subnet_ids, /aws_subnet\.private/));
  });
  it("keeps pods away from the node role (IMDSv2, one hop) and gives nodes the app security group", () => {
    const lt = one("aws_launch_template", "nodes");
    const md = block(lt.metadata_options);
    assert.equal(md.http_tokens, "required");
    assert.equal(md.http_put_response_hop_limit, 1);
    assert.ok(lt.vpc_security_group_ids.some((s) => isRef(s, /aws_security_group\.app\.id/)));
    assert.equal(block(block(lt.block_device_mappings).ebs).encrypted, true);
  });
});

describe("IAM", () => {
  const docs = policyDocuments();
  it("writes every policy as an aws_iam_policy_document (no inline JSON)", () => {
    for (const [type, attr] of [["aws_iam_role", "assume_role_policy"], ["aws_iam_role_policy", "policy"], ["aws_iam_policy", "policy"], ["aws_s3_bucket_policy", "policy"], ["aws_kms_key", "policy"]]) {
      for (const [name, r] of resources(type)) {
        assert.match(r[attr] ?? "", /^\$\{data\.aws_iam_policy_document\.[a-z0-9_]+\.json\}$/, `${type}.${name}.${attr}`);
      }
    }
    for (const d of docs) assert.notEqual(d.kind, "unused", `data.aws_iam_policy_document.${d.name} is used`);
  });
  for (const d of docs) {
    it(`${d.name} (${d.kind}) grants no wildcard action or resource`, () => {
      for (const [k, s] of d.statements.entries()) {
        const where = `${d.name}, statement ${s.sid ?? k}`;
        assert.equal(s.not_actions, undefined, `${where}: not_actions`);
        assert.equal(s.not_resources, undefined, `${where}: not_resources`);
        const deny = s.effect === "Deny";
        const actions = literalList(s.actions);
        assert.ok(actions.length > 0, `${where}: actions`);
        for (const a of actions) {
          assert.ok(typeof a === "string" && !a.startsWith("${"), `${where}: actions are literal (${a})`);
          // Deny statements may deny a whole service: they only take rights away.
          if (!deny) assert.ok(a !== "*" && !a.endsWith(":*"), `${where}: wildcard action ${a}`);
        }
        const res = literalList(s.resources);
        if (d.kind === "trust policy") assert.deepEqual(res, [], `${where}: a trust policy names no resources`);
        else assert.ok(res.length > 0, `${where}: resources`);
        // In a key policy "*" is the key itself; KMS accepts nothing else there.
        if (d.kind !== "key policy") assert.ok(!res.includes("*"), `${where}: Resource "*"`);
        for (const p of blocks(s.principals)) {
          if (p.identifiers.includes("*")) assert.ok(deny, `${where}: only a Deny may name every principal`);
        }
      }
    });
  }
  it("key policies delegate to IAM in this account only", () => {
    for (const d of docs.filter((x) => x.kind === "key policy")) {
      for (const s of d.statements) {
        for (const p of blocks(s.principals)) {
          if (p.type === "AWS") {
            for (const id of p.identifiers) {
              assert.ok(/^\$\{aws_iam_role\.[a-z0-9_]+\.arn\}$/.test(id) || id === "arn:${local.partition}:iam::${local.account_id}:root", `${d.name}: principal ${id}`);
            }
          }
        }
      }
    }
  });
  it("attaches only the AWS managed policies that AWS services require, each to its service role", () => {
    for (const [name, a] of resources("aws_iam_role_policy_attachment")) {
      const policies = a.for_each ? /toset\(\[(.*)\]\)/.exec(a.for_each)[1].split(",").map((x) => x.trim().replace(/"/g, "")) : [a.policy_arn.replace("${local.aws_managed}/", "")];
      for (const p of policies) {
        assert.ok(ALLOWED_MANAGED_POLICIES.has(p), `${name}: ${p} is not an allowed managed policy`);
        assert.equal(`\${${ALLOWED_MANAGED_POLICIES.get(p)}.name}`, a.role, `${name}: ${p} on ${a.role}`);
      }
    }
    assert.equal(resources("aws_iam_policy").length, 0, "no customer managed policies to attach elsewhere");
  });

  const trust = (role) => docs.find((d) => `\${data.aws_iam_policy_document.${d.name}.json}` === one("aws_iam_role", role).assume_role_policy);
  const identity = (role) => {
    const [, p] = resources("aws_iam_role_policy").find(([, r]) => r.role === `\${aws_iam_role.${role}.id}`);
    return docs.find((d) => p.policy === `\${data.aws_iam_policy_document.${d.name}.json}`);
  };
  const trusts = (role, account) => {
    const s = trust(role).statements[0];
    assert.deepEqual(s.actions, ["sts:AssumeRoleWithWebIdentity"]);
    assert.deepEqual(block(s.principals).identifiers, ["${aws_iam_openid_connect_provider.eks.arn}"]);
    const cond = Object.fromEntries(blocks(s.condition).map((c) => [c.variable.replace("${local.oidc_issuer}:", ""), c]));
    assert.equal(cond.sub.test, "StringEquals");
    assert.deepEqual(cond.sub.values, [`system:serviceaccount:\${var.kubernetes_namespace}:\${var.${account}}`]);
    assert.deepEqual(cond.aud.values, ["sts.amazonaws.com"]);
  };
  it("the hub's IRSA role: its service account only; its secrets, its media prefix and its key", () => {
    trusts("hub", "service_account_name");
    const s = identity("hub").statements;
    const grants = s.flatMap((x) => literalList(x.resources).map((r) => [r, literalList(x.actions).join(",")]));
    for (const [r, a] of grants) {
      const ok =
        (/^\$\{aws_secretsmanager_secret\.[a-z_]+\.arn\}$/.test(r) && a === "secretsmanager:DescribeSecret,secretsmanager:GetSecretValue") ||
        (r === "${aws_s3_bucket.media.arn}/${var.media_prefix}*" && a === "s3:GetObject,s3:PutObject") ||
        (r === "${aws_kms_key.hub.arn}" && a === "kms:Decrypt,kms:GenerateDataKey");
      assert.ok(ok, `hub role: ${a} on ${r}`);
    }
    assert.equal(grants.filter(([r]) => r.includes("aws_secretsmanager_secret.")).length, resources("aws_secretsmanager_secret").length);
  });
  it("the backup CronJob's IRSA role: put to the backups prefix only", () => {
    trusts("backup", "backup_service_account_name");
    for (const x of identity("backup").statements) {
      const actions = literalList(x.actions).join(",");
      const res = literalList(x.resources);
      const ok =
        (actions === "s3:AbortMultipartUpload,s3:PutObject" && res.join() === "${aws_s3_bucket.backups.arn}/${var.backup_prefix}*") ||
        (actions === "kms:Decrypt,kms:GenerateDataKey" && res.join() === "${aws_kms_key.hub.arn}" && JSON.stringify(x.condition).includes("kms:ViaService"));
      assert.ok(ok, `backup role: ${actions} on ${res}`);
    }
  });
});

describe("outputs", () => {
  const required = ["cluster_name", "cluster_endpoint", "rds_endpoint", "redis_primary_endpoint", "backups_bucket_name", "media_bucket_name", "secret_arns", "hub_role_arn", "backup_role_arn", "oidc_provider_arn"];
  for (const name of required) {
    it(`${name} is an output with a description`, () => {
      assert.ok(root.output[name], name);
      assert.ok(root.output[name].description, `${name}: description`);
    });
  }
  it("marks sensitive every output that refers to a generated secret", () => {
    for (const [name, o] of Object.entries(root.output)) {
      if (/random_password|random_bytes|secret_string|\.password\b|auth_token/.test(JSON.stringify(o.value))) {
        assert.equal(o.sensitive, true, name);
      }
    }
  });
});

describe("no credentials or account specifics", () => {
  for (const file of files) {
    const name = relative(MODULE, file);
    it(`${name} hard-codes no credential, account id or host of a registry`, () => {
      const text = sources.get(file);
      assert.doesNotMatch(text, /\b(AKIA|ASIA)[0-9A-Z]{16}\b/, "an access key id");
      assert.doesNotMatch(text, /\b(aws_)?(access_key|secret_key|secret_access_key|session_token)\s*=/i, "provider credentials");
      assert.doesNotMatch(text, /-----BEGIN [A-Z ]*PRIVATE KEY-----/, "a private key");
      assert.doesNotMatch(text, /(?<![0-9])[0-9]{12}(?![0-9])/, "a 12-digit account id");
      assert.doesNotMatch(text, /\b(registry\.terraform\.io|app\.terraform\.io|registry\.opentofu\.org)\b/, "a registry host");
      for (const m of text.matchAll(/^\s*(password|master_password|auth_token|secret_string|token|api_key)\s*=\s*(.*)$/gm)) {
        assert.ok(!m[2].startsWith('"') || m[2].startsWith('"${'), `${m[1]} is a literal`);
      }
    });
  }
  it("the example calls the module by its local path and sets every required variable", () => {
    const call = example.module?.channelhub;
    assert.ok(call, "module \"channelhub\" in examples/production");
    assert.equal(call.source, "../..");
    for (const [name, v] of Object.entries(root.variable)) {
      if (!("default" in v)) assert.ok(name in call, `examples/production sets ${name}`);
    }
    for (const name of Object.keys(call)) {
      if (!["source", "providers", "depends_on"].includes(name)) assert.ok(name in root.variable, `examples/production: unknown input ${name}`);
    }
  });
});
