# Plumbline facts: the files gather.sh must not read by name (engine/facts/README.md, "Reading without following
# links"): those in a directory another user can change, where a directory swapped for a link between a check and a
# read would hand plumb another file, and the settings files read redacted, whose secret values may leave the host
# only as sha256. Run by gather.sh as `perl -e "$NOFOLLOW"` with its request on stdin, one line each:
#   c<TAB><TAB><TAB>path              the file's bytes and sha256
#   h<TAB><TAB><TAB>path              its sha256
#   r<TAB>settings file<TAB>syntax<TAB>path
#                                     the lines that set a key asked of the settings file (and Include and Match
#                                     for sshd-style files), each hashed key's value replaced by \001n\001, and the
#                                     sha256 of the file and of every such value
#   k<TAB>settings file<TAB>key<TAB>hash|plain
# Every path is walked from / with each component opened O_NOFOLLOW and entered by fchdir, the last one opened
# O_NOFOLLOW|O_NONBLOCK; sha256sum then reads what was opened as /dev/fd/N (values through pipes), so nothing is
# looked up by name twice. The output is one record framed by its length: {"t":"nofollow","len":N} and N bytes of
# records in gather.sh's own framing. perl-base (Essential in Debian) has all this needs. Comment lines and indentation
# are removed before sending.
use strict;
use warnings;
use Fcntl qw(O_RDONLY O_NOFOLLOW O_NONBLOCK O_DIRECTORY S_ISREG);
# Every descriptor opened from here on survives exec, so that sha256sum can read them.
BEGIN { $^F = 1 << 20; }

my $MAX = 262144;
my $out = '';
sub js {
  my ($s) = @_;
  $s =~ s/(["\\])/\\$1/g;
  $s =~ s/([\x00-\x1f\x7f])/sprintf('\\u%04x', ord($1))/ge;
  return "\"$s\"";
}
sub framed { my ($head, $data) = @_; $out .= "$head,\"len\":" . length($data) . "}\n$data\n"; }
sub refused { $out .= '{"t":"safe","path":' . js($_[0]) . ',"ok":false,"reason":' . js($_[1]) . "}\n"; }

# The last component of $path opened without following any link on the way: (handle, stat…) or (undef, why).
sub open_nofollow {
  my ($path) = @_;
  my @parts = grep { $_ ne '' } split m{/}, $path;
  my $name = pop @parts;
  return (undef, 'not a path') unless defined $name && $path =~ m{^/};
  sysopen(my $d, '/', O_RDONLY | O_DIRECTORY) or return (undef, 'cannot open /');
  chdir($d) or return (undef, 'cannot enter /');
  my $at = '';
  for my $c (@parts, $name) { return (undef, 'has a . or .. component') if $c eq '.' || $c eq '..'; }
  for my $c (@parts) {
    $at .= "/$c";
    my $h;
    if (!sysopen($h, $c, O_RDONLY | O_DIRECTORY | O_NOFOLLOW)) {
      if ($!{ELOOP} || ($!{ENOTDIR} && -l $c)) { my $t = readlink($c); return (undef, "parent $at is a symbolic link" . (defined $t ? " to $t" : '')); }
      return (undef, "parent $at is not a directory") if $!{ENOTDIR};
      return (undef, $!{ENOENT} ? 'does not exist' : "cannot open parent $at: $!");
    }
    chdir($h) or return (undef, "cannot enter $at");
  }
  my $fh;
  if (!sysopen($fh, $name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK)) {
    if ($!{ELOOP}) { my $t = readlink($name); return (undef, 'is a symbolic link' . (defined $t ? " to $t" : '') . '; plumb does not follow links'); }
    return (undef, $!{ENOENT} ? 'does not exist' : "cannot open: $!");
  }
  my @st = stat($fh);
  return (undef, 'is not a regular file') unless @st && S_ISREG($st[2]);
  # A second name made in a directory someone else can write may be a hard link to a file of root's.
  if ($st[3] > 1) {
    my @dir = stat('.');
    return (undef, "has $st[3] hard links in a directory other users can change") if $dir[4] != 0 || ($dir[2] & 0022);
  }
  return ($fh, @st);
}

sub slurp {
  my ($fh) = @_;
  my ($buf, $all) = ('', '');
  while (length($all) <= $MAX) {
    my $n = sysread($fh, $buf, 65536);
    return undef unless defined $n;
    last if $n == 0;
    $all .= $buf;
  }
  return $all;
}

my (@req, %keys);
while (my $l = <STDIN>) {
  chomp $l;
  my ($kind, $a, $b, $p) = split /\t/, $l, 4;
  next unless defined $p;
  if ($kind eq 'k') { $keys{$a}{$b} = $p; } else { push @req, [$kind, $a, $b, $p]; }
}

my (@files, @values);
my $n = 0;
# A secret value: written into a pipe that sha256sum reads; the text keeps \001n\001 in its place.
sub value {
  my ($v) = @_;
  return undef if length($v) > 60000;
  pipe(my $r, my $w) or return undef;
  syswrite($w, $v);
  close($w);
  $n++;
  push @values, [$r, $n];
  return "\x01$n\x01";
}
# The value as sshd compares it (engine/facts/settings.ts): a trailing comment dropped, one pair of quotes removed.
sub argument {
  my ($v) = @_;
  $v =~ s/\s+#.*$//;
  $v =~ s/^\s+|\s+$//g;
  $v = substr($v, 1, -1) if length($v) >= 2 && $v =~ /^".*"$/ && substr($v, 1, -1) !~ /"/;
  return $v;
}

REQ: for my $r (@req) {
  my ($kind, $top, $syntax, $path) = @$r;
  my ($fh, @st) = open_nofollow($path);
  if (!$fh) { refused($path, $st[0]); next; }
  push @files, [$fh, $path];
  next if $kind eq 'h';
  if ($st[7] > $MAX) { refused($path, "larger than 256 KiB ($st[7] bytes)"); next; }
  my $data = slurp($fh);
  if (!defined $data || length($data) > $MAX) { refused($path, 'could not be read whole'); next; }
  if ($kind eq 'c') { framed('{"t":"body","path":' . js($path), $data); next; }
  my $want = $keys{$top} || {};
  my %lower = map { (lc($_) => $_) } keys %$want;
  my @lines;
  for my $raw (split /\n/, $data) {
    (my $line = $raw) =~ s/^\s+|\s+$//g;
    next if $line eq '' || $line =~ /^#/;
    if ($syntax eq 'space') {
      my ($kw, $rest) = $line =~ /^([^\s=]+)(?:\s*=\s*|\s+)(.*)$/ ? ($1, $2) : $line =~ /^([^\s=]+)$/ ? ($1, '') : next;
      if (lc($kw) eq 'include' || lc($kw) eq 'match') { push @lines, $line; next; }
      my $key = $lower{lc $kw};
      next unless defined $key;
      if ($want->{$key} ne 'hash') { push @lines, $line; next; }
      my $ph = value(argument($rest));
      if (!defined $ph) { refused($path, 'a secret value too long to hash'); next REQ; }
      push @lines, "$kw $ph";
    } else {
      next if $line =~ /^;/;
      my $eq = index($line, '=');
      next if $eq <= 0;
      (my $key = substr($line, 0, $eq)) =~ s/\s+$//;
      next unless exists $want->{$key};
      if ($want->{$key} ne 'hash') { push @lines, $line; next; }
      (my $v = substr($line, $eq + 1)) =~ s/^\s+|\s+$//g;
      $v = substr($v, 1, -1) if length($v) >= 2 && ($v =~ /^"/ || $v =~ /^'/) && substr($v, -1) eq substr($v, 0, 1);
      my $ph = value($v);
      if (!defined $ph) { refused($path, 'a secret value too long to hash'); next REQ; }
      push @lines, "$key = $ph";
    }
  }
  framed('{"t":"redacted","path":' . js($path), join("\n", @lines) . "\n");
}

# One sha256sum for every file and value, reading the descriptors opened above.
if (@files || @values) {
  my $sums = '';
  if (open(my $p, '-|', 'sha256sum', map { '/dev/fd/' . fileno($_->[0]) } @files, @values)) {
    local $/;
    $sums = <$p>;
    $sums = '' unless defined $sums;
    close($p);
  }
  my $f = join(',', map { '[' . fileno($_->[0]) . ',' . js($_->[1]) . ']' } @files);
  my $v = join(',', map { '[' . fileno($_->[0]) . ',' . $_->[1] . ']' } @values);
  framed("{\"t\":\"sums\",\"files\":[$f],\"values\":[$v]", $sums);
}
binmode STDOUT;
print '{"t":"nofollow","len":' . length($out) . "}\n$out\n";
