package watch

// SetSeen makes the loop tell f the name of each file event it acts on.
func SetSeen(o *Options, f func(name string)) { o.seen = f }
