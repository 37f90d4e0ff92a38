package cli

import (
	"github.com/urfave/cli/v2"

	"csv2activity/activity"
	"csv2activity/document"
)

// The document types beyond activities on the command line: validate and
// upload take --document-type (USER_ACTIVITY by default); import takes the
// mapping's document_type.

// documentTypeFlag is --document-type.
func documentTypeFlag(what string) cli.Flag {
	return &cli.StringFlag{Name: "document-type", Value: string(document.UserActivity),
		Usage: what + " lines of document type `TYPE`: USER_ACTIVITY, USER_PROFILE, USER_SEGMENT, USER_CHOICE, " +
			"USER_IDENTIFIERS_ASSOCIATION_DECLARATIONS, USER_IDENTIFIERS_DELETION or USER_POINTS_DELETION"}
}

// documentType reads --document-type; a type that is not one is a usage
// error, and so is --allow-key with a type that is not USER_ACTIVITY.
func documentType(c *cli.Context) (document.Type, error) {
	t, err := document.ParseType(c.String("document-type"))
	if err != nil {
		return "", usageError{"--document-type: " + err.Error()}
	}
	if t != document.UserActivity && len(c.StringSlice("allow-key")) > 0 {
		return "", usageError{"--allow-key lets \"$\" keys through the activity rules; --document-type " + string(t) + " has none to let through"}
	}
	return t, nil
}

// problemsFunc returns every problem of a line, keeping max of them.
type problemsFunc func(o *activity.Object, max int) ([]*activity.Violation, int)

// problems is how validate finds the problems of a line: by the rules of
// its document type.
func (o validateOptions) problems() problemsFunc {
	if r := o.docType.Rules(); r != nil {
		return r.Problems
	}
	return o.rules.Problems
}
