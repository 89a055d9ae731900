'use strict';
// Validates rendered Kubernetes manifests (the output of `kubectl kustomize`):
//  1. every object against the Kubernetes schemas of kubernetes-models, with unknown fields rejected
//     (the schemas allow them, so the validator watches which fields the schema reads: a field present in
//     the object that the schema never looked at is unknown, such as a misspelling);
//  2. Outage's own rules, read from the repository rather than repeated here: probes reach the health
//     service on the port the app is configured to serve it; environment names are configuration keys the
//     README documents; the grace period exceeds the shutdown timeout plus the drain delay; a restricted
//     securityContext and a memory limit on every container; the gRPC Services declare h2c.
// Usage: node validate.js <repository-root> < rendered.yaml   (exit 1 with one line per problem)

const fs = require('node:fs');
const path = require('node:path');
const YAML = require('yaml');

const schemaDir = path.join(__dirname, 'node_modules', 'kubernetes-models', '_schemas');

/** The schema validator of an object's apiVersion and kind, e.g. apps/v1 Deployment -> IoK8sApiAppsV1Deployment. */
function schemaFor(apiVersion, kind) {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['core', apiVersion];
  const groupName = group.split('.')[0];
  const file = path.join(schemaDir, `IoK8sApi${cap(groupName)}${cap(version)}${kind}.js`);
  return fs.existsSync(file) ? require(file).validate : null;
}

function cap(s) { return s.charAt(0).toUpperCase() + s.slice(1); }

/** Wraps a value so that every own property the schema reads, and every object whose keys it lists (a map), is recorded. */
function watch(value, at, read, listed) {
  if (value === null || typeof value !== 'object') return value;
  return new Proxy(value, {
    get(target, key, receiver) {
      const v = Reflect.get(target, key, receiver);
      if (typeof key === 'string' && Object.prototype.hasOwnProperty.call(target, key)) {
        read.add(`${at}/${key}`);
        return watch(v, `${at}/${key}`, read, listed);
      }
      return v;
    },
    ownKeys(target) {
      listed.add(at);
      return Reflect.ownKeys(target);
    },
  });
}

function unknownFields(value, at, read, listed, out) {
  if (value === null || typeof value !== 'object') return;
  for (const key of Object.keys(value)) {
    const here = `${at}/${key}`;
    if (!Array.isArray(value) && !listed.has(at) && !read.has(here)) out.push(here);
    unknownFields(value[key], here, read, listed, out);
  }
}

/** Schema problems of one object: failed constraints, unknown kinds and unknown fields. */
function schemaProblems(object) {
  const validate = schemaFor(String(object.apiVersion ?? ''), String(object.kind ?? ''));
  if (!validate) return [`unknown apiVersion/kind ${object.apiVersion} ${object.kind}`];
  const read = new Set();
  const listed = new Set();
  const problems = [];
  if (!validate(watch(object, '', read, listed))) {
    for (const e of validate.errors ?? []) problems.push(`${e.instancePath || '/'}: ${e.keyword} ${JSON.stringify(e.params)}`);
  }
  const unknown = [];
  unknownFields(object, '', read, listed, unknown);
  for (const field of unknown) problems.push(`${field}: unknown field`);
  return problems;
}

/** What the repository says: configuration keys and defaults, health service names. */
function loadRules(root) {
  const appsettings = JSON.parse(fs.readFileSync(path.join(root, 'services/Outage.Host/appsettings.json'), 'utf8'));
  const defaults = new Map();
  (function flatten(node, prefix) {
    for (const [k, v] of Object.entries(node)) {
      const key = prefix ? `${prefix}:${k}` : k;
      if (v !== null && typeof v === 'object') flatten(v, key); else defaults.set(key.toLowerCase(), String(v));
    }
  })(appsettings, '');

  // Keys documented in the README's configuration table: backquoted names in its first column.
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  const table = readme.split('## Configuration')[1]?.split('\n## ')[0] ?? '';
  const documented = [];
  for (const line of table.split('\n')) {
    const first = line.startsWith('| `') ? line.split('|')[1] : '';
    for (const m of first.matchAll(/`([^`]+)`/g)) documented.push(m[1]);
  }

  const hosting = fs.readFileSync(path.join(root, 'services/Outage.Host/Hosting/HostingExtensions.cs'), 'utf8');
  const health = [...hosting.matchAll(/public const string (Live|Ready) = "([^"]+)"/g)].reduce((o, m) => ({ ...o, [m[1].toLowerCase()]: m[2] }), {});
  if (!health.live || !health.ready) throw new Error('HostingExtensions.cs: the HealthTags constants were not found');
  return { defaults, documented, health };
}

function isDocumented(rules, name) {
  const key = name.replaceAll('__', ':').toLowerCase();
  return rules.defaults.has(key) || rules.documented.some(d => {
    const doc = d.toLowerCase();
    return doc.endsWith('*') ? key.startsWith(doc.slice(0, -1)) : key === doc;
  });
}

function seconds(timeSpan) {
  const m = /^(?:(\d+)\.)?(\d+):(\d+):(\d+(?:\.\d+)?)$/.exec(timeSpan ?? '');
  if (!m) return NaN;
  return (Number(m[1] ?? 0) * 86400) + Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4]);
}

function portOf(url) { return Number(new URL(url.replace('0.0.0.0', 'localhost').replace('*', 'localhost').replace('+', 'localhost')).port); }

/** The Outage containers' problems: probes, environment names, grace period, security, resources. */
function projectProblems(objects, rules) {
  const problems = [];
  const configMaps = new Map(objects.filter(o => o.kind === 'ConfigMap').map(o => [o.metadata.name, o.data ?? {}]));
  const workloads = objects.filter(o => ['Deployment', 'StatefulSet', 'DaemonSet'].includes(o.kind));
  for (const w of workloads) {
    const where = `${w.kind}/${w.metadata?.name}`;
    const pod = w.spec?.template?.spec ?? {};
    const podSecurity = pod.securityContext ?? {};
    for (const c of pod.containers ?? []) {
      const at = `${where} container ${c.name}`;
      const sc = c.securityContext ?? {};
      if (!(sc.runAsNonRoot ?? podSecurity.runAsNonRoot)) problems.push(`${at}: runAsNonRoot is not set`);
      if (!((sc.runAsUser ?? podSecurity.runAsUser) > 0)) problems.push(`${at}: no numeric non-root runAsUser`);
      if (sc.readOnlyRootFilesystem !== true) problems.push(`${at}: readOnlyRootFilesystem is not true`);
      if (sc.allowPrivilegeEscalation !== false) problems.push(`${at}: allowPrivilegeEscalation is not false`);
      if (!(sc.capabilities?.drop ?? []).includes('ALL')) problems.push(`${at}: capabilities are not all dropped`);
      if ((sc.seccompProfile ?? podSecurity.seccompProfile)?.type !== 'RuntimeDefault') problems.push(`${at}: seccompProfile is not RuntimeDefault`);
      if (!c.resources?.limits?.memory) problems.push(`${at}: no memory limit`);
      if (!c.resources?.requests?.cpu || !c.resources?.requests?.memory) problems.push(`${at}: no cpu and memory requests`);
      if (c.name !== 'outage') continue;

      // The container's configuration as the host will see it: appsettings.json, then envFrom, then env.
      const config = new Map(rules.defaults);
      const names = [];
      for (const from of c.envFrom ?? []) {
        const data = configMaps.get(from.configMapRef?.name);
        if (from.configMapRef && !data) problems.push(`${at}: envFrom names ConfigMap ${from.configMapRef.name}, which is not rendered`);
        for (const [k, v] of Object.entries(data ?? {})) { names.push(k); config.set(k.replaceAll('__', ':').toLowerCase(), v); }
      }
      for (const e of c.env ?? []) { names.push(e.name); if (e.value !== undefined) config.set(e.name.replaceAll('__', ':').toLowerCase(), e.value); }
      for (const name of names) {
        if (!isDocumented(rules, name)) problems.push(`${at}: environment variable ${name} is not a configuration key of the host (README, Configuration)`);
      }

      const grpcPort = portOf(config.get('kestrel:endpoints:grpc:url'));
      const httpPort = portOf(config.get('kestrel:endpoints:http:url'));
      const named = new Map((c.ports ?? []).map(p => [p.name, p.containerPort]));
      const resolve = p => (typeof p === 'string' ? named.get(p) : p);
      const wanted = { startupProbe: rules.health.live, livenessProbe: rules.health.live, readinessProbe: rules.health.ready };
      for (const [probeName, service] of Object.entries(wanted)) {
        const probe = c[probeName];
        if (!probe) { problems.push(`${at}: no ${probeName}`); continue; }
        if (probe.grpc) {
          if (resolve(probe.grpc.port) !== grpcPort) problems.push(`${at}: ${probeName} asks gRPC port ${probe.grpc.port}, the host serves gRPC on ${grpcPort}`);
          if (probe.grpc.service !== service) problems.push(`${at}: ${probeName} asks health service '${probe.grpc.service ?? ''}', expected '${service}'`);
        } else if (probe.httpGet) {
          if (resolve(probe.httpGet.port) !== httpPort) problems.push(`${at}: ${probeName} asks HTTP port ${probe.httpGet.port}, the host serves HTTP on ${httpPort}`);
          if (probe.httpGet.path !== `/healthz/${service}`) problems.push(`${at}: ${probeName} asks ${probe.httpGet.path}, expected /healthz/${service}`);
        } else {
          problems.push(`${at}: ${probeName} must use the gRPC health service or /healthz`);
        }
      }

      const shutdown = seconds(config.get('outage:shutdowntimeout')) + seconds(config.get('outage:draindelay') ?? '00:00:00');
      const grace = pod.terminationGracePeriodSeconds ?? 30;
      if (!(grace > shutdown)) problems.push(`${where}: terminationGracePeriodSeconds ${grace} does not exceed ShutdownTimeout + DrainDelay (${shutdown} s)`);
      if (!c.volumeMounts?.some(m => m.mountPath === '/tmp')) problems.push(`${at}: no writable /tmp (emptyDir) beside the read-only root`);
    }
    if (w.kind === 'Deployment' && w.metadata?.labels?.['app.kubernetes.io/component'] === 'silo') {
      const ru = w.spec?.strategy?.rollingUpdate ?? {};
      if (w.spec?.strategy?.type !== 'RollingUpdate' || String(ru.maxSurge) !== '1' || String(ru.maxUnavailable) !== '0') {
        problems.push(`${where}: silos roll with maxSurge 1 and maxUnavailable 0`);
      }
    }
  }
  for (const s of objects.filter(o => o.kind === 'Service')) {
    for (const p of s.spec?.ports ?? []) {
      if (p.name === 'grpc' && p.appProtocol !== 'kubernetes.io/h2c') problems.push(`Service/${s.metadata.name}: port grpc needs appProtocol kubernetes.io/h2c`);
    }
  }
  return problems;
}

/** Every problem of a rendered manifest stream, one string each. */
function validateDocuments(text, root) {
  const objects = YAML.parseAllDocuments(text).map(d => d.toJS()).filter(o => o);
  if (objects.length === 0) return ['no objects rendered'];
  const problems = [];
  for (const o of objects) {
    for (const p of schemaProblems(o)) problems.push(`${o.kind}/${o.metadata?.name}: ${p}`);
  }
  problems.push(...projectProblems(objects, loadRules(root)));
  return problems;
}

module.exports = { validateDocuments };

if (require.main === module) {
  const root = process.argv[2] ?? path.join(__dirname, '..', '..');
  const text = fs.readFileSync(0, 'utf8');
  const problems = validateDocuments(text, root);
  const count = YAML.parseAllDocuments(text).length;
  if (problems.length > 0) {
    for (const p of problems) console.error(`  ${p}`);
    console.error(`${problems.length} problem(s) in ${count} objects`);
    process.exit(1);
  }
  console.log(`${count} objects valid`);
}
