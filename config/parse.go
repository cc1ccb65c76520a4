package config

import (
	"fmt"

	"github.com/hashicorp/hcl/v2"
)

// parse reads and parses one configuration file of the directory, within
// what is left of MaxConfigBytes.
func (l *loader) parse(name string) *hcl.File {
	src, err := readSource(name, l.dir, MaxConfigBytes-l.read)
	if err == errTooLarge {
		err = &sourceError{"Configuration too large", fmt.Sprintf("%s takes the configuration past %s, the most syncform reads "+
			"of the files of a directory together (loading takes 100 to 160 times as much memory). Split it up, or shorten it.", name, bytesString(MaxConfigBytes))}
	}
	if err != nil {
		l.readFailed(name, err)
		return nil
	}
	l.read += int64(len(src))
	return l.parseSource(name, src)
}

// parseVarFile reads and parses a --var-file: it may be anywhere, but must
// be a regular file of at most MaxVarFileBytes.
func (l *loader) parseVarFile(name string) *hcl.File {
	src, err := readSource(name, "", MaxVarFileBytes)
	if err == errTooLarge {
		err = &sourceError{"Variable file too large", fmt.Sprintf("%s is larger than %s, the most syncform reads of a variable file.", name, bytesString(MaxVarFileBytes))}
	}
	if err != nil {
		l.readFailed(name, err)
		return nil
	}
	return l.parseSource(name, src)
}

// parseSource parses src, refusing before the parser sees it a file nested
// deeper than MaxNesting. A refused file is still registered, so that its
// diagnostic can quote the line.
func (l *loader) parseSource(name string, src []byte) *hcl.File {
	if d := checkNesting(src, name); d != nil {
		l.add(d)
		l.parser.AddFile(name, &hcl.File{Body: hcl.EmptyBody(), Bytes: src})
		return nil
	}
	f, diags := l.parser.ParseHCL(src, name)
	l.add(diags...)
	return f
}
