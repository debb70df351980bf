package passman

// What the external tests need of the tables.

// AttrCategory is the category attribute.
const AttrCategory = attrPassmanCategory

// ActivityTypes returns the documented activity types and their categories.
func ActivityTypes() (types, categories []string) {
	for _, a := range passmanActivityList {
		types = append(types, a.typ)
		categories = append(categories, a.category)
	}
	return types, categories
}

// ActivityEvent returns the event name of an activity type.
func ActivityEvent(typ string) string { return passmanActivities[typ].event }
