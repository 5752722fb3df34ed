# tools/lib/fstype.sh — sourced by the benchmarks.
#
# pigeon_fstype DIR — the type of the filesystem DIR is on, as the
# benchmarks print it beside their figures (tmpfs and ext4 differ 3-4x
# here). stat -f says "ext2/ext3" for ext4 too; findmnt names it.
pigeon_fstype () {
  findmnt -no FSTYPE -T "$1" 2>/dev/null || stat -f -c %T "$1"
}
