#!/usr/bin/env bash
# Builds the root filesystem of opsdeck/base:trixie and writes it as a tarball.
#
#   build-rootfs.sh MIRROR OUT_TAR
#
# No container registry is reachable on our machines, only Debian's mirrors, so every image we
# run is built from a debootstrap'ed Debian: minbase (apt, bash, coreutils, util-linux…) plus
# PostgreSQL 17 with pgvector (server, client, pg_dump/pg_restore; the seed runs
# pgvector/pgvector:pg16 and 17 is the closest Debian ships) and libstdc++ (the host's Node binary
# is copied into the app images and needs it). Trixie, not bookworm: bookworm has no pgvector. setup-env.sh hashes this file: edit it and the base
# image and everything built FROM it is rebuilt.
set -euo pipefail

mirror=${1:?usage: build-rootfs.sh MIRROR OUT_TAR}
out=${2:?usage: build-rootfs.sh MIRROR OUT_TAR}
suite=trixie
include=postgresql-17,postgresql-17-pgvector,libstdc++6,tzdata
keyring=/usr/share/keyrings/debian-archive-keyring.gpg

work=$(mktemp -d "${TMPDIR:-/tmp}/opsdeck-rootfs.XXXXXX")
cleanup() {
  # debootstrap unmounts /proc and /sys itself on success; be safe on failure.
  for m in proc sys dev/pts; do
    if mountpoint -q "$work/rootfs/$m" 2>/dev/null; then umount -l "$work/rootfs/$m" || true; fi
  done
  rm -rf "$work"
}
trap cleanup EXIT

echo "[build-rootfs] debootstrap --variant=minbase $suite from $mirror (log: $work/debootstrap.log)"
keyring_args=()
[[ -f $keyring ]] && keyring_args=(--keyring="$keyring")
if ! debootstrap --variant=minbase --components=main "${keyring_args[@]}" --include="$include" \
  "$suite" "$work/rootfs" "$mirror" >"$work/debootstrap.log" 2>&1; then
  tail -n 30 "$work/debootstrap.log" >&2
  echo "[build-rootfs] debootstrap failed" >&2
  exit 1
fi

r=$work/rootfs
# The postgresql-common postinst creates a "main" cluster; our images run initdb themselves
# on first start (like the official postgres image), so drop it.
rm -rf "$r/var/lib/postgresql/17/main" "$r/etc/postgresql/17/main"
# Package caches, indexes, docs and translations are dead weight in an image.
rm -rf "$r"/var/cache/apt/archives/*.deb "$r"/var/cache/apt/*.bin "$r"/var/lib/apt/lists/* \
  "$r"/usr/share/doc/* "$r"/usr/share/man/* "$r"/usr/share/info/* "$r"/usr/share/locale/* \
  "$r"/var/log/*.log "$r"/var/log/apt/* "$r"/var/cache/debconf/*-old "$r"/tmp/* "$r"/var/tmp/*
# Docker provides these at run time.
rm -f "$r/etc/hostname" "$r/etc/resolv.conf"
: >"$r/etc/machine-id"

mkdir -p "$(dirname "$out")"
# --numeric-owner: keep the uids/gids of the rootfs (postgres is uid 100 there, whatever the host says).
tar --numeric-owner -C "$r" --exclude='./dev/*' --exclude='./proc/*' --exclude='./sys/*' \
  -cf "$out.tmp" .
mv "$out.tmp" "$out"
echo "[build-rootfs] wrote $out ($(du -h "$out" | cut -f1))"
