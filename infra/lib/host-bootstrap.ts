/** Settings the first boot of the host needs. */
export interface BootstrapSettings {
  /** Login user of the image, added to the `docker` group. */
  sshUser: string;
  /** Consistent device path of the data volume attachment. */
  dataDevice: string;
  /** Where the data volume is mounted; Docker keeps images and volumes below it. */
  dataMountPoint: string;
}

/** Docker's data root on the data volume, so named volumes survive a host rebuild. */
export function dockerDataRoot(settings: BootstrapSettings): string {
  return `${settings.dataMountPoint}/docker`;
}

/**
 * Renders the cloud-init user data of the host.
 *
 * The block volume is attached after the instance exists, so the script waits for the device
 * before it formats (only when blank) and mounts it. Docker is installed afterwards, so its
 * data root is on the volume from the first start. Oracle's Ubuntu images reject inbound
 * traffic other than SSH in iptables, so 80 and 443 are opened there as well.
 */
export function renderCloudInit(settings: BootstrapSettings): string {
  const dataRoot = dockerDataRoot(settings);
  const daemonJson = JSON.stringify({
    'data-root': dataRoot,
    'log-driver': 'json-file',
    'log-opts': { 'max-size': '10m', 'max-file': '3' },
    'live-restore': true,
  });

  return `#cloud-config
write_files:
  - path: /etc/docker/daemon.json
    permissions: '0644'
    content: '${daemonJson}'
  - path: /usr/local/sbin/chat-prepare-data-volume
    permissions: '0755'
    content: |
      #!/bin/sh
      set -eu
      device=${settings.dataDevice}
      waited=0
      until [ -b "$device" ]; do
        if [ "$waited" -ge 900 ]; then
          echo "data volume $device did not appear within 900 s" >&2
          exit 1
        fi
        sleep 5
        waited=$((waited + 5))
      done
      if ! blkid "$device" >/dev/null 2>&1; then
        mkfs.ext4 -L chat-data "$device"
      fi
      mkdir -p ${settings.dataMountPoint}
      if ! grep -q 'LABEL=chat-data' /etc/fstab; then
        echo 'LABEL=chat-data ${settings.dataMountPoint} ext4 defaults,nofail 0 2' >> /etc/fstab
      fi
      mountpoint -q ${settings.dataMountPoint} || mount ${settings.dataMountPoint}
      mkdir -p ${dataRoot}
runcmd:
  - [/usr/local/sbin/chat-prepare-data-volume]
  - [sh, -c, 'iptables -C INPUT -p tcp -m multiport --dports 80,443 -m conntrack --ctstate NEW -j ACCEPT 2>/dev/null || iptables -I INPUT 1 -p tcp -m multiport --dports 80,443 -m conntrack --ctstate NEW -j ACCEPT']
  - [sh, -c, 'command -v netfilter-persistent >/dev/null && netfilter-persistent save || true']
  - [sh, -c, 'DEBIAN_FRONTEND=noninteractive apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y docker.io']
  - [usermod, -aG, docker, ${settings.sshUser}]
  - [systemctl, enable, --now, docker]
`;
}

/**
 * Renders the shell script that blocks until the host is usable: cloud-init finished, the
 * data volume mounted and Docker answering with its data root on that volume. It exits
 * non-zero with the cloud-init status when the first boot failed.
 */
export function renderReadinessScript(settings: BootstrapSettings, timeoutSeconds = 900): string {
  return [
    'set -eu',
    'status=0',
    'sudo cloud-init status --wait >/dev/null || status=$?',
    // cloud-init exits 2 for warnings that did not stop the boot, such as a deprecated key.
    'if [ "$status" -ne 0 ] && [ "$status" -ne 2 ]; then sudo cloud-init status --long >&2; exit 1; fi',
    `timeout ${timeoutSeconds} sh -c 'until sudo docker info >/dev/null 2>&1; do sleep 3; done'`,
    `mountpoint -q ${settings.dataMountPoint}`,
    `test "$(sudo docker info --format '{{.DockerRootDir}}')" = '${dockerDataRoot(settings)}'`,
    'echo host ready',
  ].join('\n');
}
