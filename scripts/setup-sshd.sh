#!/usr/bin/env bash
# Starts a throw-away OpenSSH server on 127.0.0.1 for the remote-host tests (BridgeSshTest): its own
# port, its own host key and an authorised client key, all under a state folder (default
# target/sshd). Idempotent: a server already running from the same folder is kept. Prints the
# ssh_config file to use (ssh -F FILE atlas-test); the tests read it from STATE/ssh_config.
# The "remote host" is this machine: what this proves is the protocol and the flow, not a network.
#
#   scripts/setup-sshd.sh [STATE_DIR]      start (or keep) the server
#   scripts/setup-sshd.sh --stop [STATE_DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
stop=0
if [ "${1:-}" = --stop ]; then stop=1; shift; fi
state=${1:-$here/target/sshd}
mkdir -p "$state"
state=$(cd "$state" && pwd)
pidfile="$state/sshd.pid"

running() { [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; }

if [ "$stop" = 1 ]; then
  if running; then kill "$(cat "$pidfile")"; fi
  rm -f "$pidfile"
  exit 0
fi

sshd_bin=$(command -v sshd || echo /usr/sbin/sshd)
[ -x "$sshd_bin" ] || { echo "setup-sshd: no sshd (Debian: apt-get install openssh-server)" >&2; exit 1; }
command -v ssh >/dev/null || { echo "setup-sshd: no ssh client (Debian: apt-get install openssh-client)" >&2; exit 1; }

chmod 700 "$state"
[ -f "$state/host_key" ] || ssh-keygen -q -t ed25519 -N '' -f "$state/host_key"
[ -f "$state/client_key" ] || ssh-keygen -q -t ed25519 -N '' -f "$state/client_key"
cp "$state/client_key.pub" "$state/authorized_keys"
chmod 600 "$state/authorized_keys"
user=$(id -un)

if ! running; then
  # a free port of our own: ask the kernel for one
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  cat >"$state/sshd_config" <<CONF
ListenAddress 127.0.0.1
Port $port
HostKey $state/host_key
PidFile $pidfile
AuthorizedKeysFile $state/authorized_keys
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
PermitRootLogin prohibit-password
StrictModes no
UsePAM no
AllowUsers $user
PrintMotd no
LogLevel ERROR
CONF
  mkdir -p /run/sshd 2>/dev/null || true
  "$sshd_bin" -f "$state/sshd_config" -E "$state/sshd.log"
  echo "$port" >"$state/port"
  # ready when it accepts a connection (no sleeps: poll with a deadline)
  deadline=$((SECONDS + 10))
  until python3 -c "import socket,sys; socket.create_connection(('127.0.0.1', $port), 0.2)" 2>/dev/null; do
    [ $SECONDS -lt $deadline ] || { echo "setup-sshd: sshd did not start; log: $state/sshd.log" >&2; exit 1; }
  done
fi
port=$(cat "$state/port")
ssh-keyscan -p "$port" -t ed25519 127.0.0.1 2>/dev/null | sed "s/^127.0.0.1/[127.0.0.1]:$port/" >"$state/known_hosts"
cat >"$state/ssh_config" <<CONF
Host atlas-test
  HostName 127.0.0.1
  Port $port
  User $user
  IdentityFile $state/client_key
  IdentitiesOnly yes
  UserKnownHostsFile $state/known_hosts
  StrictHostKeyChecking yes
  BatchMode yes
  LogLevel ERROR
CONF
echo "$state/ssh_config"
