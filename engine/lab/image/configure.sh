#!/bin/sh
# Runs once inside the freshly bootstrapped image (chroot, no network). Part of the image recipe: changing
# this file changes the recipe hash, so the next `plumb lab image` or `up` rebuilds the image.
set -eu
# Guard: the builder drops this marker into the image; without it we are not inside the image.
[ -f /.plumb-lab-building ] || { echo 'configure.sh: not inside a plumb lab image build' >&2; exit 1; }

# Lab hosts run no init system: package scripts must never try to start a service.
cat > /usr/sbin/policy-rc.d <<'EOF'
#!/bin/sh
# plumb lab: hosts run sshd only, no init system; services are never started by package scripts.
exit 101
EOF
chmod 0755 /usr/sbin/policy-rc.d

# Minimal server image: the mirror carries what is needed to install updates, not what they recommend.
cat > /etc/apt/apt.conf.d/99plumb-lab <<'EOF'
// plumb lab: a minimal image; recommended packages are not installed.
APT::Install-Recommends "false";
EOF

# A non-root user with passwordless sudo, so transports can be tested with `sudo: true`.
useradd --create-home --shell /bin/bash --comment 'Plumbline lab' plumb
printf 'plumb ALL=(ALL:ALL) NOPASSWD: ALL\n' > /etc/sudoers.d/plumb
chmod 0440 /etc/sudoers.d/plumb

# Per-host identity is made at `plumb lab up`: host keys, machine-id, hostname, the mirror source.
rm -f /etc/ssh/ssh_host_*
: > /etc/machine-id
echo localhost > /etc/hostname
printf '127.0.0.1\tlocalhost\n' > /etc/hosts
# Lab hosts have no route beyond the control machine, hence no resolver.
printf '# plumb lab: hosts have no DNS; the mirror is addressed by IP.\n' > /etc/resolv.conf
printf '# plumb lab: written per host at `plumb lab up` (the lab mirror is the only source).\n' > /etc/apt/sources.list
rm -f /etc/apt/sources.list.d/*

apt-get clean
rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /var/log/*.log /var/log/apt/* /tmp/* /var/tmp/*
rm -f /etc/dpkg/dpkg.cfg.d/plumb-lab-build
rm -f /.plumb-lab-building
