//go:build unix

package client

import (
	"fmt"
	"io/fs"
	"os"
	"syscall"
)

// checkSocketAccess enforces what the server sets up in local mode: a socket only its owner can
// use. Anyone who can write to it is a system admin without a password, so a looser mode or a
// foreign owner means the socket is not the one the server created for this user.
func checkSocketAccess(path string, fi fs.FileInfo) error {
	if perm := fi.Mode().Perm(); perm != 0o600 {
		return fmt.Errorf("socket %s has mode %04o, want 0600; the server creates it 0600, so check what changed it (fix: chmod 0600 %s)", path, perm, path)
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return nil
	}
	return checkSocketOwner(path, int(st.Uid), os.Getuid())
}

func checkSocketOwner(path string, ownerUID, uid int) error {
	if uid == 0 || ownerUID == uid {
		return nil
	}
	return fmt.Errorf("socket %s belongs to uid %d, not to you (uid %d); run matterctl as the user the Mattermost server runs as (e.g. sudo -u mattermost matterctl ...)", path, ownerUID, uid)
}
