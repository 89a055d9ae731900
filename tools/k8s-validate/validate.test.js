'use strict';
// The validator's own tests: the real overlays pass, and each kind of mistake it exists to catch fails.
const test = require('node:test');
const assert = require('node:assert');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const YAML = require('yaml');
const { validateDocuments } = require('./validate.js');

const root = path.join(__dirname, '..', '..');
const render = overlay => execFileSync('kubectl', ['kustomize', path.join(root, 'k8s', 'overlays', overlay)], { encoding: 'utf8' });
const prod = render('prod');

/** The prod overlay with one change made to the object of the given kind and name. */
function mutated(kind, name, change) {
  const objects = YAML.parseAllDocuments(prod).map(d => d.toJS());
  const target = objects.find(o => o.kind === kind && o.metadata.name === name);
  assert.ok(target, `${kind}/${name} is rendered`);
  change(target);
  return objects.map(o => YAML.stringify(o)).join('---\n');
}

const silo = o => o.spec.template.spec.containers[0];

for (const overlay of ['dev', 'prod']) {
  test(`the ${overlay} overlay is valid`, () => {
    assert.deepStrictEqual(validateDocuments(render(overlay), root), []);
  });
}

test('a misspelled field is rejected', () => {
  const problems = validateDocuments(mutated('Deployment', 'outage-silo', d => {
    silo(d).readinessProbe.periodSecond = 3;
  }), root);
  assert.deepStrictEqual(problems, ['Deployment/outage-silo: /spec/template/spec/containers/0/readinessProbe/periodSecond: unknown field']);
});

test('a misspelled field deep in a NetworkPolicy is rejected', () => {
  const problems = validateDocuments(mutated('NetworkPolicy', 'outage-silo', p => {
    p.spec.ingress[0].ports[0].protocoll = 'TCP';
  }), root);
  assert.match(problems.join('\n'), /ingress\/0\/ports\/0\/protocoll: unknown field/);
});

test('a value of the wrong type is rejected', () => {
  const problems = validateDocuments(mutated('HorizontalPodAutoscaler', 'outage-silo', h => {
    h.spec.minReplicas = 'three';
  }), root);
  assert.match(problems.join('\n'), /minReplicas: type/);
});

test('a probe pointed at a port the host does not serve gRPC on is rejected', () => {
  const problems = validateDocuments(mutated('Deployment', 'outage-silo', d => {
    silo(d).livenessProbe.grpc.port = 5081;
  }), root);
  assert.deepStrictEqual(problems, ['Deployment/outage-silo container outage: livenessProbe asks gRPC port 5081, the host serves gRPC on 5080']);
});

test('a probe is checked against the port the configuration sets, not a fixed number', () => {
  const problems = validateDocuments(mutated('ConfigMap', 'outage-config', c => {
    c.data.Kestrel__Endpoints__Grpc__Url = 'http://0.0.0.0:6000';
  }), root);
  assert.ok(problems.some(p => p.includes('readinessProbe asks gRPC port 5080, the host serves gRPC on 6000')), problems.join('\n'));
});

test('liveness on the readiness service is rejected (liveness never depends on readiness)', () => {
  const problems = validateDocuments(mutated('Deployment', 'outage-edge', d => {
    silo(d).livenessProbe.grpc.service = 'ready';
  }), root);
  assert.deepStrictEqual(problems, ["Deployment/outage-edge container outage: livenessProbe asks health service 'ready', expected 'live'"]);
});

test('an environment variable that is no configuration key is rejected', () => {
  const problems = validateDocuments(mutated('Deployment', 'outage-silo', d => {
    silo(d).env.push({ name: 'Orleans__ClusterID_', value: 'x' });
  }), root);
  assert.deepStrictEqual(problems, ['Deployment/outage-silo container outage: environment variable Orleans__ClusterID_ is not a configuration key of the host (README, Configuration)']);
});

test('a grace period shorter than the shutdown timeout plus the drain delay is rejected', () => {
  const problems = validateDocuments(mutated('Deployment', 'outage-silo', d => {
    d.spec.template.spec.terminationGracePeriodSeconds = 30;
  }), root);
  assert.deepStrictEqual(problems, ['Deployment/outage-silo: terminationGracePeriodSeconds 30 does not exceed ShutdownTimeout + DrainDelay (35 s)']);
});

test('a container that may run as root or write its root filesystem is rejected', () => {
  const problems = validateDocuments(mutated('Deployment', 'outage-edge', d => {
    delete d.spec.template.spec.securityContext.runAsNonRoot;
    silo(d).securityContext.readOnlyRootFilesystem = false;
  }), root);
  assert.deepStrictEqual(problems, [
    'Deployment/outage-edge container outage: runAsNonRoot is not set',
    'Deployment/outage-edge container outage: readOnlyRootFilesystem is not true',
  ]);
});

test('a gRPC Service without h2c is rejected', () => {
  const problems = validateDocuments(mutated('Service', 'outage-grpc', s => {
    delete s.spec.ports[0].appProtocol;
  }), root);
  assert.deepStrictEqual(problems, ['Service/outage-grpc: port grpc needs appProtocol kubernetes.io/h2c']);
});
