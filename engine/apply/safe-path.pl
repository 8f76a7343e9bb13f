# Plumbline's host side of every file change (engine/apply/README.md, "Symlink-safe file changes"). Run as root by
# `perl -e <this> -- OP ARGS…`; perl-base is Essential in Debian, and its Fcntl gives what sh and coreutils 9.1 lack:
# open(2) with O_NOFOLLOW, and fchdir, fchmod, fchown on what was opened. Every path is walked from / one component
# at a time, each opened with O_NOFOLLOW|O_DIRECTORY, checked on the open descriptor (a real directory, owned by
# root or by the path's declared owner, not writable by others) and entered with fchdir: a component swapped for a
# symlink after the check changes nothing, since the walk holds the directory it checked. The last component is
# opened with O_NOFOLLOW too and changed through that descriptor, or replaced by rename(2) in the held directory,
# which replaces a name and never follows one. Nothing is touched before every check of the operation passed.
# Exit status: 0 done; 5 refused (a check failed: "plumb-refused: why" on stderr, nothing touched); 4 the validator
# rejected the new content; 1 any other failure. Comment lines and indentation are removed before sending.
use strict;
use warnings;
use Fcntl qw(O_RDONLY O_WRONLY O_CREAT O_EXCL O_NOFOLLOW O_NONBLOCK O_DIRECTORY S_ISDIR S_ISREG S_ISLNK S_ISFIFO S_ISSOCK S_ISCHR S_ISBLK);
use IO::Handle;

umask 022;
my ($op, @arg) = @ARGV;
$op = '' unless defined $op;

# Inside `compare`, a refusal or failure only means "differs": they die there instead of exiting.
my $soft = 0;
sub refuse { die "plumb-refused: $_[0]\n" if $soft; print STDERR "plumb-refused: $_[0]\n"; exit 5; }
sub fail { die "plumb: $_[0]\n" if $soft; print STDERR "plumb: $_[0]\n"; exit 1; }
sub uname { my $n = getpwuid($_[0]); return defined $n ? $n : "uid $_[0]"; }
sub kind {
  my ($m) = @_;
  return S_ISDIR($m) ? 'a directory' : S_ISFIFO($m) ? 'a fifo' : S_ISSOCK($m) ? 'a socket' : (S_ISCHR($m) || S_ISBLK($m)) ? 'a device' : 'not a regular file';
}
# The uid a declared owner name stands for; undef for none (then only root may own the directories on the way).
sub owner_uid {
  my ($name) = @_;
  return undef unless defined $name && $name ne '';
  my $uid = getpwnam($name);
  fail("no user $name on this host") unless defined $uid;
  return $uid;
}

# Walks to the directory holding $path's last component and makes it the working directory. $uid: the declared
# owner allowed besides root. $create: make missing directories (root, 0755) on the way; without it, a missing
# directory returns undef (the path does not exist). Returns the last component's name.
sub walk {
  my ($path, $uid, $create) = @_;
  refuse("$path is not an absolute path") unless $path =~ m{^/};
  my @parts = grep { $_ ne '' } split m{/}, $path;
  my $name = pop @parts;
  refuse("$path names no file") unless defined $name;
  for my $c (@parts, $name) { refuse("$path has a . or .. component") if $c eq '.' || $c eq '..'; }
  sysopen(my $d, '/', O_RDONLY | O_DIRECTORY) or fail("cannot open /: $!");
  check_dir($d, '/', $uid);
  chdir($d) or fail("cannot enter /: $!");
  my $at = '';
  for my $c (@parts) {
    $at .= "/$c";
    my $h;
    if (!sysopen($h, $c, O_RDONLY | O_DIRECTORY | O_NOFOLLOW)) {
      my $why = $!;
      # Linux answers ENOTDIR (not ELOOP) for a link opened with O_DIRECTORY|O_NOFOLLOW; lstat only words the refusal.
      if ($!{ELOOP} || ($!{ENOTDIR} && -l $c)) { my $t = readlink($c); refuse("parent $at is a symbolic link" . (defined $t ? " to $t" : '')); }
      refuse("parent $at is not a directory") if $!{ENOTDIR};
      if ($!{ENOENT}) {
        return undef unless $create;
        mkdir($c, 0755) or fail("cannot create $at: $!");
        sysopen($h, $c, O_RDONLY | O_DIRECTORY | O_NOFOLLOW) or refuse("parent $at changed while it was being created");
      } else { fail("cannot open $at: $why"); }
    }
    check_dir($h, $at, $uid);
    chdir($h) or fail("cannot enter $at: $!");
  }
  return $name;
}

# Makes the directory $path (created 0700 when missing and $create) the working directory; returns its handle.
sub enter {
  my ($path, $create) = @_;
  my $name = walk($path, undef, $create);
  fail("$path does not exist") unless defined $name;
  my $h;
  if (!sysopen($h, $name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW)) {
    refuse("$path is a symbolic link") if $!{ELOOP} || ($!{ENOTDIR} && -l $name);
    fail("cannot open $path: $!") unless $!{ENOENT} && $create;
    mkdir($name, 0700) or fail("cannot create $path: $!");
    sysopen($h, $name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW) or refuse("$path changed while it was being created");
  }
  check_dir($h, $path, undef);
  chdir($h) or fail("cannot enter $path: $!");
  return $h;
}

sub check_dir {
  my ($h, $at, $uid) = @_;
  my @st = stat($h) or fail("cannot stat $at: $!");
  refuse("parent $at is not a directory") unless S_ISDIR($st[2]);
  if ($st[4] != 0 && !(defined $uid && $st[4] == $uid)) {
    refuse("parent $at is owned by " . uname($st[4]) . ', not by root' . (defined $uid ? ' or by the declared owner ' . uname($uid) : ''));
  }
  refuse(sprintf('parent %s is writable by others (mode %04o)', $at, $st[2] & 07777)) if $st[2] & 0002;
  return @st;
}

# Opens the last component without following it (and without blocking on a fifo). Returns (handle, stat) or () when
# it does not exist; refuses links, and anything but a regular file (or a directory when $dir_ok).
sub open_last {
  my ($name, $path, $dir_ok) = @_;
  my $fh;
  if (!sysopen($fh, $name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK)) {
    return () if $!{ENOENT};
    if ($!{ELOOP}) { my $t = readlink($name); refuse("$path is a symbolic link" . (defined $t ? " to $t" : '') . '; plumb never follows links'); }
    fail("cannot open $path: $!");
  }
  my @st = stat($fh) or fail("cannot stat $path: $!");
  refuse("$path is " . kind($st[2])) unless S_ISREG($st[2]) || ($dir_ok && S_ISDIR($st[2]));
  # A second name for the same file, made in a directory someone else can write, could be a hard link to a file
  # of root's (when the kernel allows it): changing it here would change that file.
  if (S_ISREG($st[2]) && $st[3] > 1) {
    my @dir = stat('.');
    refuse("$path has $st[3] hard links; plumb does not change a file that other names reach") if $dir[4] != 0 || ($dir[2] & 0022);
  }
  return ($fh, @st);
}

sub slurp {
  my ($fh) = @_;
  my ($buf, $all) = ('', '');
  while (1) {
    my $n = sysread($fh, $buf, 65536);
    fail("read failed: $!") unless defined $n;
    last if $n == 0;
    $all .= $buf;
  }
  return $all;
}

sub put {
  my ($fh, $data, $what) = @_;
  my $off = 0;
  while ($off < length $data) {
    my $n = syswrite($fh, $data, length($data) - $off, $off);
    fail("cannot write $what: $!") unless defined $n;
    $off += $n;
  }
}

# Writes $data to a new temporary file beside $name (in the held directory), gives it $mode, $uid and $gid through
# its descriptor, syncs it, runs the validator on it, and renames it over $name.
sub replace {
  my ($name, $path, $data, $mode, $uid, $gid, $validate) = @_;
  my $tmp = ".$name.plumb-$$-" . int(rand(1e9));
  sysopen(my $t, $tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0600) or fail("cannot create a temporary file beside $path: $!");
  put($t, $data, $path);
  chown($uid, $gid, $t) or fail("cannot set the owner of the new $path: $!");
  chmod($mode, $t) or fail("cannot set the mode of the new $path: $!");
  $t->sync;
  close($t);
  if ($validate && $validate eq 'sshd') {
    my $sshd = $ENV{SSHD} || '/usr/sbin/sshd';
    if (-x $sshd && system($sshd, '-t', '-f', "./$tmp") != 0) {
      unlink($tmp);
      print STDERR "plumb: sshd -t rejected the new $path\n";
      exit 4;
    }
  }
  if (!rename($tmp, $name)) { my $e = $!; unlink($tmp); fail("cannot rename the new $path into place: $e"); }
}

sub octal { my ($s) = @_; return undef unless defined $s && $s ne ''; fail("bad mode $s") unless $s =~ /^[0-7]{3,4}$/; return oct($s); }
sub gid_of {
  my ($name) = @_;
  return undef unless defined $name && $name ne '';
  my $gid = getgrnam($name);
  fail("no group $name on this host") unless defined $gid;
  return $gid;
}

# write PATH MODE OWNER GROUP VALIDATOR: the new content on stdin. Unset attributes keep the file's own (root, 0644 for
# a new file). The declared owner may own the directories on the way.
if ($op eq 'write') {
  my ($path, $mode, $owner, $group, $validate) = @arg;
  my $uid = owner_uid($owner);
  my $gid = gid_of($group);
  binmode STDIN;
  my $data = slurp(\*STDIN);
  my $name = walk($path, $uid, 1);
  my ($fh, @st) = open_last($name, $path, 0);
  my $m = octal($mode);
  $m = $fh ? $st[2] & 07777 : 0644 unless defined $m;
  $uid = $fh ? $st[4] : 0 unless defined $uid;
  $gid = $fh ? $st[5] : 0 unless defined $gid;
  replace($name, $path, $data, $m, $uid, $gid, $validate);
  exit 0;
}

# attrs PATH MODE OWNER GROUP: mode and ownership changed through the opened file, never through a name.
if ($op eq 'attrs') {
  my ($path, $mode, $owner, $group) = @arg;
  my $uid = owner_uid($owner);
  my $gid = gid_of($group);
  my $name = walk($path, $uid, 0);
  fail("$path does not exist") unless defined $name;
  my ($fh, @st) = open_last($name, $path, 1);
  fail("$path does not exist") unless $fh;
  if (defined $uid || defined $gid) { chown(defined $uid ? $uid : -1, defined $gid ? $gid : -1, $fh) or fail("cannot change the owner of $path: $!"); }
  my $m = octal($mode);
  if (defined $m) { chmod($m, $fh) or fail("cannot change the mode of $path: $!"); }
  exit 0;
}

# backup DIR: stdin lines "path<TAB>declared owner<TAB>c" (c: print the current content). Every path is checked
# first, then copied into DIR/files/<n> with DIR/manifest.tsv (path, existed, mode, uid, gid, declared owner); the
# contents asked for are printed as "path<TAB>1<TAB>length" and the bytes, or "path<TAB>0<TAB>" when absent.
if ($op eq 'backup' || $op eq 'check') {
  my ($dir) = @arg;
  my @items;
  while (my $l = <STDIN>) {
    chomp $l;
    next if $l eq '';
    my ($p, $o, $c) = split /\t/, $l, -1;
    push @items, [$p, $o, $c];
  }
  for my $i (@items) {
    my $name = walk($i->[0], owner_uid($i->[1]), 0);
    open_last($name, $i->[0], 0) if defined $name;
  }
  exit 0 if $op eq 'check';
  umask 077;
  enter($dir, 1);
  open(my $man, '>', 'manifest.tsv') or fail("cannot write $dir/manifest.tsv: $!");
  my $fd = enter("$dir/files", 1);
  binmode STDOUT;
  my $n = 0;
  for my $i (@items) {
    my ($p, $o, $c) = @$i;
    $n++;
    my $name = walk($p, owner_uid($o), 0);
    my ($fh, @st) = defined $name ? open_last($name, $p, 0) : ();
    chdir($fd) or fail("cannot enter $dir/files: $!");
    if (!$fh) {
      print $man "$p\t0\t\t\t\t$o\n";
      print "$p\t0\t\n" if $c;
      next;
    }
    my $data = slurp($fh);
    sysopen(my $b, $n, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0600) or fail("cannot create backup $n: $!");
    put($b, $data, "backup $n");
    $b->sync;
    close($b);
    printf $man "%s\t1\t%04o\t%d\t%d\t%s\n", $p, $st[2] & 07777, $st[4], $st[5], $o;
    print "$p\t1\t" . length($data) . "\n$data" if $c;
  }
  $man->flush;
  $man->sync;
  close($man) or fail("cannot write $dir/manifest.tsv: $!");
  exit 0;
}

sub manifest {
  my ($dir) = @_;
  open(my $m, '<', "$dir/manifest.tsv") or do { print STDERR "plumb: no backup $dir\n"; exit 3; };
  my @rows;
  my $n = 0;
  while (my $l = <$m>) {
    chomp $l;
    $n++;
    my ($p, $existed, $mode, $uid, $gid, $o) = split /\t/, $l, -1;
    # Manifests of plumb before safe-path.pl: "path<TAB>existed<TAB>mode uid gid".
    ($mode, $uid, $gid) = split / /, $mode if defined $mode && $mode =~ / /;
    $o = '' unless defined $o;
    push @rows, { n => $n, path => $p, existed => $existed, mode => $mode, uid => $uid, gid => $gid, owner => $o };
  }
  return @rows;
}

# restore DIR: every path of the manifest back as it was (or removed when it did not exist), each replaced through the
# same checked walk as a write.
if ($op eq 'restore') {
  my ($dir) = @arg;
  for my $r (manifest($dir)) {
    my $uid = $r->{owner} ne '' ? getpwnam($r->{owner}) : undef;
    if ($r->{existed} eq '1') {
      open(my $b, '<', "$dir/files/$r->{n}") or fail("backup $r->{n} of $r->{path} is missing");
      binmode $b;
      my $data = slurp($b);
      my $name = walk($r->{path}, $uid, 1);
      my ($fh) = open_last($name, $r->{path}, 0);
      replace($name, $r->{path}, $data, oct($r->{mode}), $r->{uid}, $r->{gid}, '');
    } else {
      my $name = walk($r->{path}, $uid, 0);
      next unless defined $name;
      if (lstat($name)) { unlink($name) or fail("cannot remove $r->{path}: $!"); }
    }
  }
  exit 0;
}

# compare DIR: prints every path of the manifest that differs from its backup now (content or existence).
if ($op eq 'compare') {
  my ($dir) = @arg;
  for my $r (manifest($dir)) {
    $soft = 1;
    my $same = eval {
      my $uid = $r->{owner} ne '' ? getpwnam($r->{owner}) : undef;
      my $name = walk($r->{path}, $uid, 0);
      my ($fh) = defined $name ? open_last($name, $r->{path}, 0) : ();
      return !$fh if $r->{existed} ne '1';
      return 0 unless $fh;
      open(my $b, '<', "$dir/files/$r->{n}") or return 0;
      binmode $b;
      return slurp($fh) eq slurp($b);
    };
    print "$r->{path}\n" unless $same;
  }
  exit 0;
}

fail("unknown operation '$op'");
