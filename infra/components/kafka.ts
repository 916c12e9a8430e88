import type * as docker from '@pulumi/docker';
import * as pulumi from '@pulumi/pulumi';
import type { ContainerPlacement } from '../lib/container-spec.ts';
import { thirdPartyImages } from '../lib/images.ts';
import { containerName, internalHosts, internalPorts } from '../lib/internal-hosts.ts';
import { createContainer, createVolume, pullImage, whenSucceeded } from './docker-resources.ts';

/** One topic the platform needs. */
export interface TopicSpec {
  name: string;
  partitions: number;
  /** Retention in milliseconds; absent keeps the broker default of 7 days. */
  retentionMs?: number;
}

/** Arguments of {@link Kafka}. */
export interface KafkaArgs {
  /** Platform and log shipping of the containers. */
  placement: ContainerPlacement;
  /** Internal network to attach to. */
  internalNetworkName: pulumi.Input<string>;
  /** KRaft cluster id; must stay the same for the life of the data volume. */
  clusterId: pulumi.Input<string>;
  /** Topics created when missing; plain because they are rendered into the setup script. */
  topics: readonly TopicSpec[];
  /** Memory limit of the broker in MB; the JVM heap gets about 40 % of it. */
  memoryMb: number;
  /** Memory limit of the topic setup job in MB. */
  setupMemoryMb: number;
}

/**
 * A single-node Apache Kafka in KRaft mode (broker and controller in one process) with its
 * log on a named volume, and a one-shot job that creates the platform's topics.
 */
export class Kafka extends pulumi.ComponentResource {
  /** Bootstrap address on the internal network. */
  public readonly brokers: string;
  /** The topic setup job once it succeeded; producers and consumers depend on it. */
  public readonly topicsReady: pulumi.Output<docker.Container>;

  constructor(name: string, args: KafkaArgs, opts?: pulumi.ComponentResourceOptions) {
    super('chat:infra:Kafka', name, {}, opts);
    this.brokers = `${internalHosts.kafka}:${internalPorts.kafka}`;
    const { platform, logging } = args.placement;

    const image = pullImage(`${name}-image`, thirdPartyImages.kafka, platform, this);
    const data = createVolume(`${name}-data`, 'chat-kafka-data', 'kafka', this);

    const broker = createContainer(
      `${name}-broker`,
      {
        containerName: containerName('kafka'),
        image: image.imageId,
        platform,
        memoryMb: args.memoryMb,
        lifecycle: 'service',
        env: brokerEnvironment(args),
        healthcheck: {
          command: [
            '/opt/kafka/bin/kafka-broker-api-versions.sh',
            '--bootstrap-server',
            `127.0.0.1:${internalPorts.kafka}`,
          ],
          intervalSeconds: 30,
          timeoutSeconds: 20,
          startPeriodSeconds: 60,
        },
        networks: [{ name: args.internalNetworkName, aliases: [internalHosts.kafka] }],
        volumes: [{ volumeName: data.name, containerPath: '/var/lib/kafka/data' }],
        logging,
        stopTimeoutSeconds: 60,
      },
      { parent: this },
    );

    const topicsJob = createContainer(
      `${name}-topics`,
      {
        containerName: containerName('kafka-topics'),
        image: image.imageId,
        platform,
        memoryMb: args.setupMemoryMb,
        lifecycle: 'one-shot',
        entrypoint: ['/bin/bash', '-c'],
        command: [renderTopicScript(this.brokers, args.topics)],
        env: { KAFKA_HEAP_OPTS: '-Xmx96m' },
        // No alias, so the name kafka resolves to the broker only.
        networks: [{ name: args.internalNetworkName, aliases: [] }],
        logging,
      },
      { parent: this, dependsOn: [broker] },
    );
    this.topicsReady = whenSucceeded(topicsJob, containerName('kafka-topics'));

    this.registerOutputs({ brokers: this.brokers });
  }
}

function brokerEnvironment(args: KafkaArgs): Record<string, pulumi.Input<string>> {
  const host = internalHosts.kafka;
  return {
    CLUSTER_ID: args.clusterId,
    KAFKA_NODE_ID: '1',
    KAFKA_PROCESS_ROLES: 'broker,controller',
    KAFKA_LISTENERS: `PLAINTEXT://:${internalPorts.kafka},CONTROLLER://:${internalPorts.kafkaController}`,
    KAFKA_ADVERTISED_LISTENERS: `PLAINTEXT://${host}:${internalPorts.kafka}`,
    KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
    KAFKA_CONTROLLER_QUORUM_VOTERS: `1@${host}:${internalPorts.kafkaController}`,
    KAFKA_INTER_BROKER_LISTENER_NAME: 'PLAINTEXT',
    KAFKA_LOG_DIRS: '/var/lib/kafka/data',
    KAFKA_NUM_PARTITIONS: '3',
    KAFKA_AUTO_CREATE_TOPICS_ENABLE: 'false',
    KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
    KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
    KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
    KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
    KAFKA_HEAP_OPTS: `-Xmx${Math.floor(args.memoryMb * 0.4)}m`,
  };
}

/**
 * Renders the topic setup script: wait up to 3 minutes for the broker, then create each
 * topic unless it exists. Existing topics keep their partition count; raising it is a
 * manual `kafka-topics.sh --alter`.
 */
export function renderTopicScript(brokers: string, topics: readonly TopicSpec[]): string {
  const tool = '/opt/kafka/bin/kafka-topics.sh';
  const lines = [
    'set -eu',
    'for attempt in $(seq 1 60); do',
    `  if ${tool} --bootstrap-server ${brokers} --list >/dev/null 2>&1; then break; fi`,
    `  if [ "$attempt" -eq 60 ]; then echo "broker ${brokers} did not respond within 180 s" >&2; exit 1; fi`,
    '  sleep 3',
    'done',
  ];
  for (const topic of topics) {
    const retention =
      topic.retentionMs === undefined ? '' : ` --config retention.ms=${topic.retentionMs}`;
    lines.push(
      `${tool} --bootstrap-server ${brokers} --create --if-not-exists --topic ${topic.name} --partitions ${topic.partitions} --replication-factor 1${retention}`,
    );
  }
  return lines.join('\n');
}
