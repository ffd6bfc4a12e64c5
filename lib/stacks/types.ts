/**
 * The stack model. A stack is what an operator runs today with
 * `docker compose -f FILE --env-file ENV -p PROJECT`. `runtime` is a discriminator so a Swarm
 * stack (`docker stack deploy`, services and tasks across nodes) can be added without reshaping
 * every consumer.
 */
import type { BackupSetSettings } from './backup-set-schema';
import type { StackRuntime, SwarmSettings } from './swarm-schema';

export type { StackRuntime, SwarmSettings };
import type { OffsiteTarget } from './offsite-schema';

import type { PitrSettings } from './pitr-schema';
export type PresetName = 'memos' | 'generic';

export interface DatabaseRole {
  /** Compose service name of the PostgreSQL container; absent when the database is external. */
  service?: string;
  /** Env-file variable names holding the credentials (never the values: those are secrets). */
  userVar: string;
  passwordVar: string;
  databaseVar: string;
  /** Host and port Opsdeck uses to reach the database from the host (host networking or a mapping). */
  host: string;
  port: number;
  /** External database: env var holding a DSN, used instead of the fields above when set. */
  dsnVar?: string;
}

export interface AppRole {
  service: string;
  /** Full HTTP URL of the app's health endpoint, e.g. http://127.0.0.1:5230/healthz */
  healthUrl?: string;
  /** SQL returning one row, one column: the app's schema version. */
  schemaVersionQuery?: string;
  /**
   * Absolute path of a directory of SQL migrations named `<version>[__description].sql`; an
   * upgrade runs those newer than the database's schema version, in version order.
   */
  migrationsDir?: string;
}

export interface AiSettings {
  /** Where the stack's AI providers are declared: its env file (MEMOS_AI_* for Memos) or nowhere. */
  source: 'env' | 'none';
  envPrefix?: string;
}

/** How a deploy brings the stack to its compose file (opsdeck.yaml `deploy:`). */
export interface DeploySettings {
  /** compose's pull policy: pull images that are missing (compose's default), always, or never. */
  pull: 'missing' | 'always' | 'never';
  /** Build images of services with a `build:` section on every deploy (`up --build`). */
  build: boolean;
}

/**
 * The Docker Engine a stack lives on (opsdeck.yaml `docker:`); absent: Opsdeck's own (DOCKER_HOST).
 * TLS files are absolute paths, checked when the config loads.
 */
export interface EngineSettings {
  host: string;
  tls?: { ca: string; cert: string; key: string };
}

export interface Stack {
  /** Slug used in URLs and audit records: [a-z0-9][a-z0-9-]* */
  name: string;
  title: string;
  preset: PresetName;
  runtime: StackRuntime;
  /** Compose project name: what `com.docker.compose.project` carries on its containers. */
  projectName: string;
  /** Absolute paths. */
  composeFiles: string[];
  envFile?: string;
  workingDir: string;
  backupDir: string;
  /** Least role that may download a backup file (opsdeck.yaml `backups.download`); absent: admin. */
  backupDownload?: 'admin' | 'operator' | 'viewer';
  /** Volumes archived with the dump, and how (`backups.volumes` / `consistency`); absent: none. */
  backupSet?: BackupSetSettings;
  /** Continuous WAL archiving (opsdeck.yaml `backups.pitr`); absent: off. */
  pitr?: PitrSettings;
  database?: DatabaseRole;
  app?: AppRole;
  ai: AiSettings;
  /** Absent on stacks built in code (tests): deploySettingsOf() gives the defaults. */
  deploy?: DeploySettings;
  /** Its own engine (another host, TCP with TLS or SSH); absent: DOCKER_HOST. */
  docker?: EngineSettings;
  /** With runtime swarm: the manager's (and nodes') engine addresses. */
  swarm?: SwarmSettings;
  /** opsdeck.yaml `offsite:`: where encrypted copies of the backups go (absent: none). */
  offsite?: OffsiteTarget[];
  /** Where this stack was defined, for error messages ("opsdeck.yaml: stacks[1]"). */
  source: string;
}
