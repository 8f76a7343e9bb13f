#!/bin/sh
# Boots one lab host. Runs with the control machine's tools as PID 1 of fresh PID, mount, UTS and IPC
# namespaces inside the host's network namespace (see engine/lab/host/start.ts), and ends by exec'ing the
# image's own sshd, chrooted, as that PID 1. Every mount made here lives in the private mount namespace:
# when the host's processes end, the kernel removes them all; nothing is ever mounted on the control side.
#
# usage: boot.sh ROOT LOWER UPPER WORK SEED HOSTNAME
set -eu
root=$1 lower=$2 upper=$3 work=$4 seed=$5 name=$6

# Hosts speak IPv4 on the lab network only.
echo 1 > /proc/sys/net/ipv6/conf/all/disable_ipv6 2>/dev/null || true
echo 1 > /proc/sys/net/ipv6/conf/default/disable_ipv6 2>/dev/null || true

mount -t overlay overlay -o "lowerdir=$lower,upperdir=$upper,workdir=$work" "$root"
mount -t proc -o nosuid,nodev,noexec proc "$root/proc"
mount -t sysfs -o ro,nosuid,nodev,noexec sysfs "$root/sys"

# A minimal /dev, and a devpts instance of its own so that interactive ssh sessions get a pty.
mount -t tmpfs -o mode=0755,size=1m,nosuid dev "$root/dev"
mknod -m 0666 "$root/dev/null" c 1 3
mknod -m 0666 "$root/dev/zero" c 1 5
mknod -m 0666 "$root/dev/full" c 1 7
mknod -m 0666 "$root/dev/random" c 1 8
mknod -m 0666 "$root/dev/urandom" c 1 9
mknod -m 0666 "$root/dev/tty" c 5 0
ln -s /proc/self/fd "$root/dev/fd"
ln -s /proc/self/fd/0 "$root/dev/stdin"
ln -s /proc/self/fd/1 "$root/dev/stdout"
ln -s /proc/self/fd/2 "$root/dev/stderr"
mkdir -m 0755 "$root/dev/pts" "$root/dev/shm"
mount -t devpts -o newinstance,ptmxmode=0666,mode=0620,gid=5 devpts "$root/dev/pts"
ln -s pts/ptmx "$root/dev/ptmx"
mount -t tmpfs -o mode=1777,nosuid,nodev shm "$root/dev/shm"

mount -t tmpfs -o mode=0755,nosuid,nodev run "$root/run"
mount -t tmpfs -o mode=1777,nosuid,nodev tmp "$root/tmp"
mkdir -m 0755 "$root/run/sshd" "$root/run/lock"

echo "$name" > /proc/sys/kernel/hostname

# Per-host files (host keys, authorized keys, machine-id, hostname, the mirror source and its key), laid
# over the image. --no-overwrite-dir keeps the image's directory modes and owners.
tar -C "$seed" -cf - . | tar -C "$root" -xpf - --no-overwrite-dir --numeric-owner

cd /
exec chroot "$root" /usr/sbin/sshd -D -e
