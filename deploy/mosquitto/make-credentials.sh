#!/usr/bin/env bash
# make-credentials.sh [--dir DIR] [--tls] [--server-name NAME]
# Writes the broker's accounts for the four roles (robot, controller, operator, observer) into DIR
# (default /etc/mosquitto/robotics): secrets/ROLE.password (random, mode 600; kept when it exists),
# passwd (PBKDF2 hashes for mosquitto), acl (copied from beside this script); with --tls also a private CA,
# a server certificate for NAME, 127.0.0.1 and localhost, and one client certificate per role.
# No password ever appears on a command line: mosquitto_passwd hashes the file in place (-U).
set -euo pipefail
dir=/etc/mosquitto/robotics
tls=0
server_name=$(hostname)
while [ $# -gt 0 ]; do
  case "$1" in
    --dir) dir="$2"; shift 2 ;;
    --tls) tls=1; shift ;;
    --server-name) server_name="$2"; shift 2 ;;
    *) echo "make-credentials.sh: unknown argument '$1' (--dir DIR, --tls, --server-name NAME)" >&2; exit 2 ;;
  esac
done
for tool in mosquitto_passwd openssl; do
  command -v "$tool" >/dev/null 2>&1 || { echo "make-credentials.sh: $tool is missing (apt-get install mosquitto openssl)" >&2; exit 2; }
done
here=$(cd "$(dirname "$0")" && pwd)
umask 077
mkdir -p "$dir/secrets"
passwd="$dir/passwd"
: > "$passwd"
for role in robot controller operator observer; do
  secret="$dir/secrets/$role.password"
  if [ ! -s "$secret" ]; then
    openssl rand -base64 32 | tr -d '/+=\n' | head -c 32 > "$secret"
  fi
  # printf is a shell builtin: the password is never an argument of a process.
  printf '%s:%s\n' "$role" "$(cat "$secret")" >> "$passwd"
done
mosquitto_passwd -U "$passwd"
cp "$here/acl" "$dir/acl"
chmod 644 "$dir/acl"
chmod 640 "$passwd"
if getent group mosquitto >/dev/null 2>&1; then chgrp mosquitto "$passwd" "$dir/acl" 2>/dev/null || true; fi

if [ "$tls" = 1 ]; then
  t="$dir/tls"
  mkdir -p "$t/clients"
  if [ ! -s "$t/ca.pem" ]; then
    openssl req -x509 -newkey rsa:2048 -nodes -days 825 -subj "/CN=robotics broker CA" \
      -keyout "$t/ca.key" -out "$t/ca.pem" \
      -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
  fi
  sign() { # sign NAME OUT_PREFIX EXTENSIONS
    openssl req -newkey rsa:2048 -nodes -subj "/CN=$1" -keyout "$2.key" -out "$2.csr" 2>/dev/null
    printf '%s\n' "$3" > "$2.ext"
    openssl x509 -req -in "$2.csr" -CA "$t/ca.pem" -CAkey "$t/ca.key" -CAcreateserial -days 825 \
      -out "$2.pem" -extfile "$2.ext" 2>/dev/null
    rm -f "$2.csr" "$2.ext"
  }
  sign "$server_name" "$t/server" "subjectAltName=DNS:$server_name,DNS:localhost,IP:127.0.0.1
extendedKeyUsage=serverAuth"
  for role in robot controller operator observer; do
    sign "$role" "$t/clients/$role" "extendedKeyUsage=clientAuth"
  done
  chmod 644 "$t/ca.pem" "$t/server.pem"
  if getent group mosquitto >/dev/null 2>&1; then chgrp mosquitto "$t/server.key" 2>/dev/null && chmod 640 "$t/server.key" || true; fi
fi
echo "make-credentials.sh: accounts robot, controller, operator, observer in $dir (passwords in $dir/secrets/)"
