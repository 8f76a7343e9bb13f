# Unit file states for gather.sh, as `systemctl --root=/ is-enabled` gives them, without a running systemd.
# systemctl costs several milliseconds per call (more than the rest of the script together), so the usual states are
# read from the unit directories here, and only what these rules cannot settle goes to systemctl. The rules follow
# systemd's install.c (unit_file_lookup_state) and settle a state only where every systemd since 247 agrees:
#   not-found  no unit directory holds the name
#   masked     the first file found is empty, or a link to /dev/null, outside /run
#   enabled    a link of that name in a *.wants or *.requires directory of /etc/systemd/system
#   disabled, indirect, static
#              the first file found is a plain, non-empty file outside /run, has no drop-ins, and no link in
#              /etc/systemd/system or /run (see unit_link_globs) is named like it or points to a file named like it:
#              then its [Install] section decides (WantedBy/RequiredBy/Alias: disabled; only Also: indirect; none: static)
# Templates, instances, aliases, linked, runtime and generated units, and [Install] sections that use line
# continuations, quotes, UpheldBy= or Alias= on unit types that may not have one, are left to systemctl.

# systemd's search path for system units, highest priority first (this file only defines functions, so that it can
# come before gather.sh, which calls them).
# Only the directories that exist are kept: every unit looks through them several times.
unit_dirs() {
  UNITDIRS=''
  for d in /etc/systemd/system.control /run/systemd/system.control /run/systemd/transient /run/systemd/generator.early /etc/systemd/system /etc/systemd/system.attached /run/systemd/system /run/systemd/system.attached /run/systemd/generator /usr/local/lib/systemd/system /lib/systemd/system /usr/lib/systemd/system /run/systemd/generator.late; do
    if [ -d "$d" ]; then UNITDIRS="$UNITDIRS$d$NL"; fi
  done
}

unit_exists() { # $1 unit, or the template of an instance, is in some unit directory
  t=''
  case $1 in *@*.*) t="${1%%@*}@.${1##*.}" ;; esac
  for d in $UNITDIRS; do
    if [ -e "$d/$1" ] || [ -L "$d/$1" ]; then return 0; fi
    if [ -n "$t" ] && { [ -e "$d/$t" ] || [ -L "$d/$t" ]; }; then return 0; fi
  done
  return 1
}

# Sets UCLASS: "state <state>" when settled, "install <file>" when only links and [Install] are left to read, "ask".
unit_classify() { # $1 unit (known to exist)
  UCLASS=ask
  case $1 in *@*) return ;; esac
  p=''
  for d in $UNITDIRS; do if [ -e "$d/$1" ] || [ -L "$d/$1" ]; then p="$d/$1"; break; fi; done
  case $p in /etc/systemd/system/* | /usr/local/lib/systemd/system/* | /lib/systemd/system/* | /usr/lib/systemd/system/*) ;; *) return ;; esac
  if [ -L "$p" ]; then
    if [ "$p" -ef /dev/null ]; then UCLASS='state masked'; fi
    return
  fi
  [ -f "$p" ] || return
  if [ ! -s "$p" ]; then UCLASS='state masked'; return; fi
  set +f
  for w in /etc/systemd/system/*.wants/"$1" /etc/systemd/system/*.requires/"$1"; do
    # a linked .wants directory is not read by systemd
    if [ -L "$w" ] && [ ! -L "${w%/*}" ]; then set -f; UCLASS='state enabled'; return; fi
  done
  set -f
  for d in $UNITDIRS; do if [ -e "$d/$1.d" ]; then return; fi; done
  plain "$p" && UCLASS="install $p"
}

# Where links can make a unit enabled, indirect or linked: /etc/systemd/system and the /run unit directories, each
# with its subdirectories (*.wants, *.requires, *.upholds). Links in the vendor directories never change the state of
# a unit that is not an instance (install.c: find_symlinks_in_scope). The patterns go to the one stat call, which
# lists every entry with its link target; unit_linked then reads that listing (ST).
unit_link_globs() {
  LINKGLOBS=''
  for d in $UNITDIRS; do
    case $d in /etc/systemd/system | /run/*) ;; *) continue ;; esac
    if [ -d "$d" ]; then LINKGLOBS="$LINKGLOBS$d/*$NL$d/*/*$NL"; fi
  done
}

# Whether a link in ST is named $1 or points to a file named $1. ST lines are mode:size:type:uid:owner:group:ctime:name,
# and for links "name -> target" (GNU stat, QUOTING_STYLE=literal) or "'name' -> 'target'" (busybox).
unit_linked() {
  # Most units appear nowhere in the listing: one match over all of it settles that (line by line is slower).
  case $ST in *"/$1"* | *" -> $1"* | *" -> '$1"*) ;; *) return 1 ;; esac
  for l in $ST; do
    case $l in *:symbolic\ link:*) ;; *) continue ;; esac
    n=${l#*" -> "}
    case $n in "$1" | "'$1'" | */"$1" | */"$1'") return 0 ;; esac
    n=${l%" -> "*}
    case $n in */"$1" | */"$1'") return 0 ;; esac
  done
  return 1
}

# The state from the [Install] section of $2 (its lines in GREPPED), for unit $1 that no link names, in USTATE; ask
# when these rules cannot tell.
unit_install() {
  sect=''
  seen=''
  wb=''; rb=''; al=''; also=''
  for l in $GREPPED; do
    case $l in "$2:"*) l=${l#"$2:"} ;; *) continue ;; esac
    l=${l#"${l%%[! $TAB]*}"}
    l=${l%"${l##*[! $TAB]}"}
    seen=1
    case $l in '' | \#* | \;*) continue ;; *\\ | .include*) USTATE=ask; return ;; \[*\]) sect=$l; continue ;; \[*) USTATE=ask; return ;; esac
    [ "$sect" = '[Install]' ] || continue
    case $l in *=*) ;; *) continue ;; esac
    k=${l%%=*}
    k=${k%"${k##*[! $TAB]}"}
    v=${l#*=}
    v=${v#"${v%%[! $TAB]*}"}
    case $v in *[\"\'\\]*) USTATE=ask; return ;; esac
    case $k in
      WantedBy) wb=$v ;;
      RequiredBy) rb=$v ;;
      Alias)
        case $1 in *.service | *.socket | *.target | *.timer | *.path) al=$v ;; *) USTATE=ask; return ;; esac ;;
      Also) if [ -n "$v" ]; then also=1; fi ;;
      UpheldBy) USTATE=ask; return ;;
    esac
  done
  # no line at all: grep saw a binary file, or could not read it
  if [ -z "$seen" ]; then USTATE=ask; elif [ -n "$wb$rb$al" ]; then USTATE=disabled; elif [ -n "$also" ]; then USTATE=indirect; else USTATE=static; fi
}

unit_state() { # $1 unit, from the unit directories alone, when there is no systemctl: an approximation
  for d in /etc/systemd/system /run/systemd/system; do
    if [ -L "$d/$1" ] && [ "$d/$1" -ef /dev/null ]; then echo masked; return; fi
  done
  file=''
  tmpl=''
  case $1 in *@*.*) tmpl="${1%%@*}@.${1##*.}" ;; esac
  for d in /etc/systemd/system /run/systemd/system /usr/local/lib/systemd/system /lib/systemd/system /usr/lib/systemd/system; do
    if [ -f "$d/$1" ]; then file="$d/$1"; break; fi
    if [ -n "$tmpl" ] && [ -f "$d/$tmpl" ]; then file="$d/$tmpl"; break; fi
  done
  if [ -z "$file" ]; then echo not-found; return; fi
  set +f
  for w in /etc/systemd/system/*.wants/"$1" /etc/systemd/system/*.requires/"$1"; do
    if [ -L "$w" ]; then set -f; echo enabled; return; fi
  done
  set -f
  case $file in /etc/systemd/system/* | /run/systemd/system/*)
    if [ -L "$file" ]; then echo alias; return; fi ;;
  esac
  inst=''
  while IFS= read -r l || [ -n "$l" ]; do
    case $l in WantedBy=* | RequiredBy=* | Alias=* | Also=* | UpheldBy=*) inst=1 ;; esac
  done <"$file"
  if [ -z "$inst" ]; then echo static; else echo disabled; fi
}
