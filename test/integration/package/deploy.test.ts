import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { loadConfig } from '../../../src/config/index.js';

/** The deploy/ examples are read by people who copy them: their configs must load and the manifests agree. */
const DEPLOY = fileURLToPath(new URL('../../../deploy/', import.meta.url));

type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function manifests(file: string): Promise<Doc[]> {
  return parseAllDocuments(await readFile(join(DEPLOY, file), 'utf8')).map((d) => d.toJS() as Doc);
}

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'scimsync-deploy-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** Loads an example config with its secret-file paths pointed at temp files (the mounts do not exist here). */
async function loadExample(text: string, mounts: Record<string, string>): Promise<Awaited<ReturnType<typeof loadConfig>>> {
  let body = text;
  for (const [mounted, name] of Object.entries(mounts)) {
    await writeFile(join(tmp, name), `example-${name}\n`);
    body = body.split(mounted).join(join(tmp, name));
  }
  const path = join(tmp, `config-${Object.keys(mounts).length}.yaml`);
  await writeFile(path, body);
  return loadConfig(path, {});
}

describe('deploy examples', () => {
  it('the Kubernetes ConfigMap holds a valid config: tokenFile and bindPasswordFile from the Secret, state on the PVC', async () => {
    const [cm] = await manifests('kubernetes/configmap.yaml');
    const loaded = await loadExample(cm!.data['config.yaml'] as string, {
      '/var/run/secrets/scimsync/scim-token': 'scim-token',
      '/var/run/secrets/scimsync/ldap-password': 'ldap-password',
    });
    expect(loaded.config.target.token).toBe('example-scim-token');
    expect(loaded.config.source).toMatchObject({ type: 'ldap', bindPassword: 'example-ldap-password' });
    expect(loaded.config.state.path).toBe('/var/lib/scimsync/state.json');
    expect(loaded.config.daemon.listen).toBe('0.0.0.0:9464');
    const [secret] = await manifests('kubernetes/secret.example.yaml');
    expect(Object.keys(secret!.stringData as object).sort()).toEqual(['ldap-password', 'scim-token']);
  });

  it('the docker compose config is valid and its secret, volume and port line up with compose.yaml', async () => {
    const loaded = await loadExample(await readFile(join(DEPLOY, 'docker-compose/config.yaml'), 'utf8'), { '/run/secrets/scim-token': 'scim-token' });
    expect(loaded.config.target.token).toBe('example-scim-token');
    const [compose] = await manifests('docker-compose/compose.yaml');
    const svc = compose!.services.scimsync as Doc;
    expect(svc.command).toEqual(['daemon', '-c', '/etc/scimsync/config.yaml']);
    expect(svc.secrets).toEqual(['scim-token']);
    expect(svc.volumes).toEqual(expect.arrayContaining(['./config.yaml:/etc/scimsync/config.yaml:ro', 'state:/var/lib/scimsync']));
    expect(svc.ports).toEqual(['127.0.0.1:9464:9464']);
    expect(loaded.config.state.path.startsWith('/var/lib/scimsync/')).toBe(true);
  });

  it('the CronJob runs one apply at a time, with the ConfigMap, the Secret and the PVC mounted', async () => {
    const [cj] = await manifests('kubernetes/cronjob.yaml');
    const [pvc] = await manifests('kubernetes/pvc.yaml');
    expect(cj!.kind).toBe('CronJob');
    expect(cj!.spec.concurrencyPolicy).toBe('Forbid');
    const pod = cj!.spec.jobTemplate.spec.template.spec as Doc;
    const container = pod.containers[0] as Doc;
    expect(container.args).toEqual(['apply', '-c', '/etc/scimsync/config.yaml']);
    expect(pod.volumes).toEqual(
      expect.arrayContaining([
        { name: 'state', persistentVolumeClaim: { claimName: pvc!.metadata.name } },
        { name: 'config', configMap: { name: 'scimsync-config' } },
        expect.objectContaining({ name: 'secrets', secret: expect.objectContaining({ secretName: 'scimsync' }) }),
      ]),
    );
    expect(container.volumeMounts).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'state', mountPath: '/var/lib/scimsync' }),
        expect.objectContaining({ name: 'secrets', mountPath: '/var/run/secrets/scimsync' }),
      ]),
    );
  });

  it('the Deployment runs one daemon with liveness on /healthz, readiness on /readyz and the metrics port', async () => {
    const [dep, svc] = await manifests('kubernetes/deployment.yaml');
    expect(dep!.kind).toBe('Deployment');
    expect(dep!.spec.replicas).toBe(1);
    expect(dep!.spec.strategy.type).toBe('Recreate');
    const pod = dep!.spec.template.spec as Doc;
    const c = pod.containers[0] as Doc;
    expect(c.args).toEqual(['daemon', '-c', '/etc/scimsync/config.yaml']);
    expect(c.ports).toEqual([{ name: 'metrics', containerPort: 9464, protocol: 'TCP' }]);
    expect(c.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'metrics' });
    expect(c.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'metrics' });
    // The pod's grace period outlasts the daemon's own shutdown bound from the ConfigMap.
    const [cm] = await manifests('kubernetes/configmap.yaml');
    const bound = Number(/shutdownTimeoutMs: (\d+)/.exec(cm!.data['config.yaml'] as string)![1]);
    expect(pod.terminationGracePeriodSeconds * 1000).toBeGreaterThan(bound);
    expect(pod.volumes).toEqual(expect.arrayContaining([{ name: 'state', persistentVolumeClaim: { claimName: 'scimsync-state' } }]));
    expect(svc!.kind).toBe('Service');
    expect(svc!.spec.ports[0]).toMatchObject({ port: 9464, targetPort: 'metrics' });
  });
});
