package harness

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/crypto/openpgp"        //nolint:staticcheck // the server verifies plugin signatures with this package
	"golang.org/x/crypto/openpgp/armor"  //nolint:staticcheck
	"golang.org/x/crypto/openpgp/packet" //nolint:staticcheck
)

// pluginKeyName is the public key file the sandbox server trusts for plugin signatures (in
// PluginSettings.SignaturePublicKeyFiles, forced by serverEnv), in its config directory. The
// file does not exist until a test calls Server.TrustPluginKey: the server then accepts
// marketplace bundles signed with that test's key.
const pluginKeyName = "matterctl-e2e-plugins.asc"

// pluginKeyFile is the path of the trusted public key file of the sandbox in serverDir.
func pluginKeyFile(serverDir string) string {
	return filepath.Join(serverDir, "config", pluginKeyName)
}

// PluginKeyFile is where the server looks for the public key TrustPluginKey writes.
func (s *Server) PluginKeyFile() string { return pluginKeyFile(filepath.Join(s.StateDir, "server")) }

// PluginSigner signs plugin bundles the way Mattermost's marketplace does: a detached OpenPGP
// signature of the .tar.gz, made with a key generated for the test.
type PluginSigner struct {
	entity    *openpgp.Entity
	PublicKey []byte // armored
}

// NewPluginSigner generates a signing key (RSA 2048, a fraction of a second).
func NewPluginSigner() (*PluginSigner, error) {
	e, err := openpgp.NewEntity("matterctl e2e", "test plugins", "e2e@example.com", &packet.Config{RSABits: 2048})
	if err != nil {
		return nil, err
	}
	var pub bytes.Buffer
	w, err := armor.Encode(&pub, openpgp.PublicKeyType, nil)
	if err != nil {
		return nil, err
	}
	if err := e.Serialize(w); err != nil {
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return &PluginSigner{entity: e, PublicKey: pub.Bytes()}, nil
}

// Sign returns the binary detached signature of the file at path.
func (s *PluginSigner) Sign(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var sig bytes.Buffer
	if err := openpgp.DetachSign(&sig, s.entity, f, nil); err != nil {
		return nil, fmt.Errorf("signing %s: %w", path, err)
	}
	return sig.Bytes(), nil
}

// TrustPluginKey makes the sandbox server trust signatures of signer: it writes the public key
// to the file the server's PluginSettings.SignaturePublicKeyFiles names (read at each
// verification). The returned function removes it again.
func (s *Server) TrustPluginKey(signer *PluginSigner) (untrust func() error, err error) {
	p := s.PluginKeyFile()
	if err := os.WriteFile(p, signer.PublicKey, 0o600); err != nil {
		return nil, err
	}
	return func() error {
		if err := os.Remove(p); err != nil && !os.IsNotExist(err) {
			return err
		}
		return nil
	}, nil
}
