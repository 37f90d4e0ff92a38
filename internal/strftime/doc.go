// Package strftime parses date-time cells with strftime-style formats: Compile a
// format once ("%d/%m/%Y %H:%M"), then call Layout.Parse for every cell. It reads
// English and French month and weekday names, and offers ParseISO8601 and
// ParseUnix for the two formats that need no layout.
package strftime
