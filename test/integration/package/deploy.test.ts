import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { loadConfig, type LdapSourceConfig } from '../../../src/config/index.js';
import { resolveSettings } from '../../../src/sources/ldap/dialects.js';

/** The deploy/ examples are read by people who copy them: their configs must load and the manifests agree. */
const DEPLOY = fileURLToPath(new URL('../../../deploy/', import.meta.url));
const OPERATIONS = fileURLToPath(new URL('../../../docs/operations.md', import.meta.url));

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

  it("the AD ConfigMap's own users filter keeps the dialect's person filter (no computers or contacts)", async () => {
    const [cm] = await manifests('kubernetes/configmap.yaml');
    const loaded = await loadExample(cm!.data['config.yaml'] as string, {
      '/var/run/secrets/scimsync/scim-token': 'scim-token',
      '/var/run/secrets/scimsync/ldap-password': 'ldap-password',
    });
    const source = loaded.config.source as LdapSourceConfig;
    expect(source.dialect).toBe('active-directory');
    const dialectDefault = resolveSettings({ ...source, users: { ...source.users, filter: undefined } }).userFilter;
    expect(dialectDefault).toBe('(&(objectCategory=person)(objectClass=user))');
    const configured = resolveSettings(source).userFilter;
    for (const part of ['(objectCategory=person)', '(objectClass=user)']) expect(configured).toContain(part);
    expect(configured).toMatch(/^\(&\(objectCategory=person\)\(objectClass=user\)\(memberOf:1\.2\.840\.113556\.1\.4\.1941:=CN=Amplitude Users,/);
  });

  it("the plan-first Job runs plan with the CronJob's config, Secret and state volume, and only an error fails it", async () => {
    const [job] = await manifests('kubernetes/plan-job.yaml');
    const [cj] = await manifests('kubernetes/cronjob.yaml');
    expect(job!.kind).toBe('Job');
    expect(job!.spec.backoffLimit).toBe(0);
    const pod = job!.spec.template.spec as Doc;
    const cronPod = cj!.spec.jobTemplate.spec.template.spec as Doc;
    const c = pod.containers[0] as Doc;
    const cron = cronPod.containers[0] as Doc;
    expect(c.image).toBe(cron.image);
    expect(pod.volumes).toEqual(cronPod.volumes);
    expect(c.volumeMounts).toEqual(cron.volumeMounts);
    expect(pod.securityContext).toEqual(cronPod.securityContext);
    expect(c.command).toEqual(['/bin/sh', '-c']);
    const script = (c.args as string[]).join(' ');
    expect(script).toMatch(/^scimsync plan -c \/etc\/scimsync\/config\.yaml --out \/var\/lib\/scimsync\/first-plan\.json;/);
    // The script's exit-code mapping, run by a real shell: 0 and 2 (changes pending) pass, 1 and 3 fail.
    const tail = script.slice(script.indexOf(';') + 1);
    for (const [rc, expected] of [
      [0, 0],
      [2, 0],
      [1, 1],
      [3, 3],
    ] as const) {
      const r = spawnSync('/bin/sh', ['-c', `(exit ${rc});${tail}`]);
      expect(r.status, `plan exit ${rc}`).toBe(expected);
    }
    // The operations guide walks through it before the CronJob.
    const ops = await readFile(OPERATIONS, 'utf8');
    expect(ops).toContain('kubectl apply -f deploy/kubernetes/plan-job.yaml');
    expect(ops).toContain('kubectl logs job/scimsync-plan');
    expect(ops.indexOf('plan-job.yaml')).toBeLessThan(ops.indexOf('kubectl apply -f deploy/kubernetes/cronjob.yaml'));
  });

  it('the operations guide says how to build and push the image the manifests name', async () => {
    const ops = await readFile(OPERATIONS, 'utf8');
    const [cj] = await manifests('kubernetes/cronjob.yaml');
    const image = (cj!.spec.jobTemplate.spec.template.spec.containers[0] as Doc).image as string;
    expect(ops).toContain(`docker build -t ${image} .`);
    expect(ops).toContain(`docker push ${image}`);
    for (const f of ['cronjob.yaml', 'deployment.yaml', 'plan-job.yaml']) {
      const docs = await manifests(`kubernetes/${f}`);
      const pod = (docs[0]!.kind === 'CronJob' ? docs[0]!.spec.jobTemplate.spec.template.spec : docs[0]!.spec.template.spec) as Doc;
      expect((pod.containers[0] as Doc).image, f).toBe(image);
    }
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

  it('the compose token file is made readable by the container user (file secrets keep the host owner and mode)', async () => {
    const text = await readFile(join(DEPLOY, 'docker-compose/compose.yaml'), 'utf8');
    const [compose] = await manifests('docker-compose/compose.yaml');
    const user = (compose!.services.scimsync as Doc).user as string;
    expect(user).toBe('1000:1000');
    // The setup lines give the file to that user; a 0600 file owned by whoever created it is unreadable there.
    expect(text).toContain(`chown ${user} secrets/scim-token`);
    expect(text).not.toContain('chmod 600 secrets/scim-token');
    const ops = await readFile(OPERATIONS, 'utf8');
    expect(ops).toContain(`chown ${user} secrets/scim-token`);
    expect(ops).not.toContain('chmod 600 secrets/scim-token');
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
