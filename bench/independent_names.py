"""Name data for bench/independent_register.py: core lists of real names per naming tradition
(roughly in order of popularity) and the stems and affixes from which the register builds each
tradition's long tail of rarer names. Written for the independent register alone.

Entries are separated by white space; '|' separates spellings of one name (the first is the
most usual) and '_' stands for a space inside a name.
"""

# ---------------------------------------------------------------------------------------------
# English (White British, and Mixed and Black Caribbean families using English names).

EN_BOYS = """Oliver Jack Harry George Noah Charlie Jacob Thomas Oscar William James Leo Alfie
Joshua Freddie Archie Henry Ethan Isaac Alexander Joseph Edward Samuel Max Logan Lucas Daniel
Theo Arthur Mason Harrison Benjamin Dylan Riley Finley Adam Lewis Tyler Callum Connor Kieran
Liam Ryan Bradley Jordan Luke Matthew Nathan Jake Reece Kyle Jamie Christopher Nicholas
Sebastian Toby Tommy Louie Frankie Reuben Harvey Ronnie Teddy Albie Stanley Jayden Elliot Louis
Zachary Aaron Alex Ben Cameron Charles David Evan Felix Finn Frederick Gabriel Hugo Jenson Jude
Kai Leon Michael Owen Patrick Rory Ronan Rowan Sam Seth Sonny Theodore Tobias Ollie Hunter
Jackson Jasper Jesse Joel Kian Lincoln Marcus Nathaniel Oakley Otis Parker Robert Roman Rupert
Spencer Stephen Zac Ashton Billy Bobby Brandon Caleb Carter Casey Cody Cole Curtis Declan Dexter
Dominic Eddie Elijah Ellis Ezra Fletcher Grayson Hayden Jay Jonah Jonathan Josh Kayden Lennon
Lenny Levi Luca Mark Marley Mitchell Morgan Myles Nico Peter Preston Ralph Reggie Rhys Richard
Ricky Robbie Ross Ruben Scott Shane Shaun Simon Steven Sidney Tristan Troy Vincent Warren Wesley
Wilfred Will Xander Zane Albert Alan Andrew Anthony Austin Barney Blake Brody Bruno Carl Cillian
Craig Damian Danny Darren Dean Eli Eric Ernest Ewan Fabian Francis Gary Gregory Hamish Harley
Harris Hector Ian Jed Jimmy Joey Johnny Kane Keaton Keegan Kenneth Kevin Kristian Lee Lloyd
Lorenzo Matteo Maxwell Miles Milo Monty Neil Noel Orlando Paul Percy Philip Raymond Regan Rio
Rocco Roland Rufus Ryder Sean Solomon Sullivan Terry Tom Tony Victor Wayne Wyatt Aiden Ashley
Bailey Beau Bryn Conor Dale Elias Emmett Enzo Fraser Grant Jared Jarvis Joe Kaiden Kieron Layton
Leighton Lucian Luka Marshall Maximilian Nash Reid Rex Robin Rocky Tate Vinnie Wilbur Wilf
Zachariah Arlo Alfred Otto Jax Jaxon Bodhi Brooklyn Caspar Chester Clayton Corey Dawson Dorian
Emerson Everett Gideon Hendrix Huxley Kit Mackenzie Magnus Maddox Marcel Nelson Nolan Orson
Raphael Rafferty Remy Rudy Stefan Trey Wade Walter Aston Barnaby Benedict Bertie Cassius Cooper
Digby Ernie Fred Harold Kenzie Laurence Leonardo Lochlan Lucca Mylo Ned Ronald Ted Wilson"""

EN_GIRLS = """Olivia Amelia Isla Ava Emily Sophia Grace Mia Poppy Ella Lily Evie Isabella Sophie
Ivy Freya Harper Willow Daisy Charlotte Jessica Chloe Megan Lauren Hannah Abigail Ruby Phoebe
Scarlett Millie Holly Amber Rebecca Bethany Courtney Paige Jade Katie Eleanor Elizabeth Matilda
Rosie Ellie Lucy Alice Florence Summer Maisie Erin Leah Eva Emilia Imogen Samantha Alexandra
Katherine Lola Esme Thea Isabelle Layla Mila Evelyn Georgia Elsie Sienna Robyn Niamh Molly Emma
Hollie Jasmine Caitlin Shannon Amy Zoe Naomi Nicole Natasha Kayleigh Kelsey Demi Gracie Lacey
Lexi Libby Lilly Lottie Maya Orla Rose Violet Aurora Bonnie Edith Elodie Hallie Hazel Iris Kara
Keira Lara Lydia Madison Martha Mollie Nancy Penelope Pippa Sadie Sara Sarah Sofia Stella Tilly
Victoria Zara Abbie Aimee Alisha Anna Annabelle Aria Ayla Beatrice Bella Brooke Cara Casey Clara
Darcey Darcy Delilah Eden Eliza Elise Esmee Eve Faith Felicity Francesca Gemma Georgina Harriet
Heidi Helen Hope India Isobel Jodie Jorja Kate Kayla Kirsty Laura Leila Lillie Louisa Louise
Lucie Lyla Maisy Maria Marnie Mya Natalie Olive Ophelia Rachel Rhianna Rosa Savannah Skye
Stephanie Tegan Tia Vanessa Alana Alexa Alexis Alyssa Anya Arabella Ariana Autumn Beth Bethan
Bianca Bridget Caitlyn Carly Cassie Cerys Chelsea Ciara Clementine Connie Danielle Dolly Ebony
Elena Elle Ellen Elouise Emilie Esther Fern Frankie Gabriella Gabrielle Hayley Heather Ida Jane
Jemima Jenna Jennifer Joanna Josephine Julia Juliet Kaitlyn Katelyn Kiera Kimberley Lana Leanne
Lena Lexie Lila Lilah Lorna Macy Maddison Maddie Mae Margot Melissa Melody Miley Nell Nellie
Nina Paris Peyton Rae Renee River Roxanne Sapphire Serena Shauna Sian Sky Stacey Tamsin Tara
Taylor Tessa Tiffany Toni Wren Zoey Alicia Anastasia Angel Annie April Bobbie Callie Elsa Ember
Emmie Everly Georgie Hattie Hermione Honey Isabel Jessie Kacey Lea Livia Luna Mabel Madeleine
Maia Meadow Nova Pearl Remi Rhea Romy Ruth Scarlet Sylvie Tallulah Valentina Vienna Viola Willa
Amelie Annabel Arianna Dakota Edie Ellie-Mae Elisa Esmae Fearne Florrie Gracie-Mae Indie
Isla-Rose Kaci Kaya Lacie Lyra Maci Marley Mischa Neve Pixie Robin Rosalie Rubie Shelby
Sophie-Mae Tilly-Mae"""

EN_MIDDLE_M = """James John Thomas William David Lee Paul Michael Robert Edward George Alan
Peter Jack Oliver Henry Arthur Joseph Anthony Daniel Alexander Charles Christopher Richard
Andrew Mark Stephen Francis Frederick Albert Harry Samuel Matthew Luke Ray Jay Dean Lewis Ryan
Scott Kenneth Ronald Roy Stanley Ernest Alfie Leo Louis Reece Rhys Owen Noah Ellis Elliot Jude
Reuben Ashley Patrick Terence Graham Keith"""

EN_MIDDLE_F = """Rose Grace Mae May Louise Jane Marie Ann Elizabeth Lily Jade Anne Victoria Hope
Faith Olivia Jean Sophie Amelia Ruby Leigh Lou Jo Belle Eve Emily Charlotte Catherine Alice
Florence Margaret Mary Isabella Joy Dawn Rosie Lauren Kate Ella Skye Paige Amber Evelyn Violet
Harriet Ivy Poppy Willow Summer Daisy Esme Eleanor Frances Louisa Ellen Hannah Jessica Megan
Nicole Michelle Lynn Claire"""

EN_SURNAMES = """Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts
Robinson Thompson Wright Walker White Edwards Hughes Green Hall Lewis Harris Clarke Jackson Wood
Turner Martin Cooper Hill Ward Morris Moore Clark Lee King Baker Harrison Morgan Allen James
Scott Phillips Watson Davis Parker Price Bennett Young Griffiths Mitchell Kelly Cook Carter
Richardson Bailey Collins Bell Shaw Murphy Miller Cox Richards Marshall Anderson Simpson Ellis
Adams Wilkinson Foster Chapman Powell Webb Rogers Gray Mason Hunt Campbell Matthews Owen Palmer
Holmes Mills Barnes Knight Lloyd Butler Russell Barker Fisher Stevens Jenkins Murray Dixon
Harvey Graham Pearson Fletcher Walsh Gibson Howard Andrews Stewart Elliott Reynolds Saunders
Payne Fox Ford Pearce Day Brooks West Lawrence Cole Atkinson Bradley Spencer Dawson Ball Burton
O'Brien Watts Rose Booth Perry Ryan Grant Wells Armstrong Francis Rees Hayes Hart Hudson Newman
Barrett Webster Hunter Gregory Carr Lowe Page Marsh Riley Dunn Woods Parsons Berry Stone Reid
Holland Hawkins Harding Porter Robertson Newton Oliver Reed Kennedy Williamson Bird Gardner Dean
Lane Cooke Bates Henderson Parry Burgess Bishop Walton Burns Nicholson Shepherd Ross Cross Long
Freeman Warren Nicholls Hamilton Byrne Sutton McDonald Yates Hodgson Robson Curtis Hopkins
O'Connor Harper Coleman Watkins Moss McCarthy Chambers Griffin Sharp Hardy Wheeler Potter
Osborne Johnston Gordon Doyle Wallace George Jordan Hutchinson Rowe Burke May Pritchard Gilbert
Willis Higgins Read Miles Stevenson Stephenson Hammond Arnold Buckley Walters Hewitt Barber
Nelson Slater Austin Sullivan Whitehead Mann Frost Lambert Stephens Blake Lynch Goodwin Barton
Woodward Thomson Cunningham Quinn Barnett Baxter Clayton Nash Greenwood Jennings Holt Kemp Poole
Gallagher Bond Stokes Tucker Davidson Fowler Heath Norman Middleton Lawson Banks French Stanley
Jarvis Gibbs Ferguson Hayward Carroll Farrell Rowley Charlton Wade Naylor Steele Kirk Bolton
Pickering Mellor Brookes Horton Dickinson Hargreaves Sykes Marsden Birch Briggs Lord Kay Moran
Cartwright Jenkinson Tomlinson Hartley Lees Rhodes Sanderson Hancock Lucas Storey Pollard Dyer
Flynn Cullen Vaughan Hobbs Bull Hurst Leach Bentley Rowlands Howell Sheppard Abbott Swift
Rowland Thornton Summers Daly Kerr Reilly Doherty McLean Ashton Metcalfe Nolan Tyler Humphreys
Pope Field Knowles Emery Widdowson Hallam Bramley Needham Revill Bestwick Saxton Wragg Toplis
Marriott Hind Wass Smedley Haywood Straw Bradshaw Clifton Gascoigne Attenborough Brough Cupitt
Dabell Glover Hemsley Kirkham Lacey Mee Oldham Parkin Rawson Shelton Skinner Towle Trueman
Wardle Whitworth Wilde Woolley Allsop Attewell Beardsley Burrows Chadwick Daykin Eyre Froggatt
Gamble Holden Housley Ingram Keeling Limb Mellors Moakes Orme Pashley Rowbotham Severn Starbuck
Tansley Walster Whysall Wilmot Brewster Buxton Crofts Dakin Flint Goodall Hibbert Keeton Lilley
Millington Padley Raynor Selby Sissons Stubbs Swain Truswell Wheatley Varney Wainwright
Hodgkinson Unwin Parr Bagshaw Barlow Birkin Blatherwick Bowler Cheetham Coupe Dobb Dring Elliot
Fretwell Hardwick Hickling Hollis Kirkby Leivers Marples Oakley Pegg Peat Redfern Sharpe Shipley
Sisson Spowage Staley Tebbutt Whittaker"""

# Tail of English surnames: place-name first elements joined to endings, patronymic and
# diminutive forms, and Scottish and Irish Mc/Mac and O' names.
EN_SURNAME_STEMS = """Ash Ald Alder Arn Ather Ayl Bag Bal Bam Bar Barn Bas Bay Beck Bed Bel Ben
Ber Bew Bick Bil Bing Birk Black Blan Bland Blox Bod Bol Bos Brad Bram Bran Bray Bren Brid Brig
Brin Brom Brook Brough Bud Bul Bur Burn But Cal Cam Can Car Carl Cas Chad Chal Chap Char Chat
Ched Chel Cher Ches Chil Chis Chur Clap Clay Clif Cob Cod Col Colt Con Cot Crab Cran Craw Cris
Crom Crow Cul Cum Dal Dar Daven Ded Den Der Dew Dib Dod Dor Dray Dun Dur Ead East Eg El Elm Els
Ev Ever Ew Fair Fal Far Fel Fen Fern Fin Fris Ful Gar Gat Ged Glad Glen Gold Good Gor Gran Green
Grim Hab Had Hal Ham Han Har Hart Has Hath Haw Hay Hed Hel Hem Hen Hes Hey Hick High Hil Hol
Holm Hop Hor How Hud Hul Hun Ing Kel Ken Ker Kil King Kir Kirk Knap Lad Lam Lan Lang Lath Lav
Lax Lea Led Lev Lid Lin Lind Lit Lock Long Lox Lud Lyn Mal Man Mar Mark Mat Med Mel Mer Mid Mil
Mill Mol Mor Moss Mot Nan Ned Nel New Nor North Nut Oak Ock Old Orm Os Ot Over Ox Pad Pal Par
Pen Per Pick Pil Pin Pit Pol Pot Pres Pud Rad Ram Ran Rat Rav Red Ren Rid Rip Rod Rom Ros Roth
Row Rud Rush Ryl Sal Sand Sax Scar Sel Shel Sher Ship Shor Sid Sil Skel Slad Snel Som South Spal
Stam Stan Stap Stain Stock Stod Stow Strat Sud Sum Sut Swin Tad Tam Tan Thax Thorn Thur Tid Tod
Tol Tor Tot Tow Tuck Tun Up Wad Wal Wals War Wark Wat Wed Wel Wes West Wey Whit Wick Wid Wig Wil
Win Wind Wit Wol Wood Wor Wray Yard Yat Ab Ack Ad Alc Am Ap Ard Arm Asp Ast Aud Bab Back Bain
Bald Barr Bart Bask Bax Beach Bean Bell Bent Berk Bex Bid Birch Bish Blen Blo Bly Bog Bon Boot
Bot Bour Bow Box Brack Brain Brent Brew Brock Brod Brun Buck Bunt Burl Bush Cad Cald Calv Camp
Cant Carr Cart Catt Caw Chas Chip Chor Clax Cliv Cog Cold Comb Cook Cop Corn Cott Cox Crad Cray
Crid Crook Cross Cud Cur Dack Daf Dain Daw Dax Deb Dell Dent Dick Dill Dix Dol Dom Don Dow Drak
Drax Dud Duff Dunk Eas Ed Elk Ell Ers Esh Ett Ex Faw Fax Fell Fid Fil Fish Fitch Flam Flax Flet
Fol Folk Fos Frank Fray Fres Frith Frod Gad Gal Gam Garn Gas Gay Gil Ging Glas Glaz Gos Grab
Grant Grey Gris Grov Gun Gut Hack Haig Hain Hale Hamp Hank Hard Harl Hask Hatch Haz Heck Helm
Hib Hig Hinch Hint Hob Hock Hod Hog Holl Hood Horn Hos Hox Huck Hug Hurl Hut Hyde Ild Ink Ips
Jack Jar Keel Kemp Kes Kett Kid Kim Kin Knot Lack Laid Lamb Lap Lark Law Leck Len Lew Lich Lil
Ling Lisk Lod Lof Lom Lor Lov Low Luck Lum Lut Mad Maid Mall Malt Map Marl Mass Maw Max Mayn
Meck Mend Merr Mick Mint Mit Mob Monk Mont Moor Mort Mos Moul Mow Mud Mull Nab Nap Nash Neth Nib
Nick Nod Norr Not Now Oaks Off Oll Orr Ost Ott Pack Padd Pag Pain Pan Park Pash Patt Peak Pear
Peck Pell Penn Pern Pett Pew Pip Plum Pock Pom Pon Pop Port Pow Pray Prid Prim Prit Puck Pur
Quin Rack Rain Rask Rath Raw Ray Reck Rey Rich Rick Rim Ring Rix Rob Rock Rook Rop Ross Roy Rub
Ruck Rum Rust Rut Rye Sack Sad Sall Sam Sap Saw Scal Scor Sed Shad Shap Shaw Shep Shil Shot Sib
Sim Sket Slat Smal Smed Snow Sod Sol Sop Spar Spen Staf Stal Star Steb Sten Stil Stok Stour Stud
Sun Swan Swil Tab Tal Tap Tarl Tat Taun Tav Ted Tem Ten Tet Tew Thack Thorp Tib Tick Til Tin Tip
Tom Tonk Trap Treb Trim Trot Tur Tut Tyl Ud Ul Und Ush Vale Ven Vick Wack Wain Wake Wald Wand
Warb Warm Wash Wav Weath Web Weld Well Wen Wer Wet Whal Wheat Whel Whis Wild Wim Wing Winn Wish
Wix Wom Woot Wort Wyn Yar Yel Yew Yor"""
EN_SURNAME_ENDINGS = """ley ton ford field wood worth well by ham shaw croft dale hurst wick
land more ridge bury combe stone burn brook ington ingham thorpe den low ling er man cock ell
ett ing stead leigh holme grave gate hill stow lake hall cliffe ney sey wright smith ward son
thwaite hope marsh moor mere haugh halgh side head hay grove green church bridge cott worthy ock
kin ings ish ard ick herd bourne borough mount row lees sted cote wold"""
EN_SURNAME_ING_ENDINGS = """ton ham ford ley worth field by dale hurst well"""
EN_PATRONYMIC_ROOTS = """Wat Hob Dick Tom Jen Gib Rob Hud Wilk Jack Daw Hodg Pat Sim Mat Harri
Ander Robin Nichol Dob Hop Per Col Ad Hew Pash Stephen Wil Huch Dyk Law Tib Tim Ab Al Ben Dav Ed
Ell Fitz Gil Hen Jeff Lamb Mas Mor Nel Phil Ralph Rich Sand Wal Wilki Wyl"""
EN_PATRONYMIC_ENDINGS = """son s kins kin cock ett ey ling ings"""
GAELIC_ROOTS = """Donald Kenzie Gregor Intosh Kay Leod Lean Allister Arthur Bride Cabe Cann
Cormack Cullough Dermott Dougall Dowell Elroy Ewan Fadden Farlane Gee Ginley Gowan Grath
Guinness Guire Hugh Innes Intyre Ivor Kee Kenna Kinnon Lachlan Laren Laughlin Mahon Manus Millan
Namara Naughton Neil Nulty Pherson Quade Rae Shane Sweeney Taggart Tavish Vey Ardle Alpine
Askill Aulay Bain Clure Coll Conville Crae Crory Cue Diarmid Evoy Fall Garry Gill Glinchey
Govern Hale Kendrick Kie Laine Lintock Loughlin Lure Mullen Nab Nair Nally Neill Nicol Phail
Quarrie Queen Ritchie Robbie Sorley"""
IRISH_O_ROOTS = """Brien Connor Neill Sullivan Reilly Donnell Driscoll Keefe Mahony Callaghan
Connell Dwyer Flaherty Gorman Grady Hara Hare Leary Loughlin Malley Meara Rourke Shea Toole
Brady Byrne Carroll Connolly Doherty Donoghue Dowd Duffy Farrell Gara Halloran Hanlon Kane Kelly
Mara Neil Regan Riordan Shaughnessy Sheridan"""

# Tail of English forenames: modern coinages from onsets and endings, and hyphenated names.
EN_BOY_ONSETS = """Ja Jay Ka Kay Kai Bray Bry Bro Bra Ry Ty Ky Ri Ro Re Le La Lo Ma Mi Ne No Ca
Co Da De Dy Ga Gre Ha Zay Za Ze Ax Ash Ad Al Ar Ed El Em Ev Ez Fin Har Hen Jack Jax Jen Kel Kem
Ken Kor Lan Lev Lin Mal Mar Mat Nix Ol Pax Rad Rey Sam Ste Tay Tre Wil Bren Cay Dex Gray Hay Kam
Kol Lay Mav Ray Ron Sky Tan Zan"""
EN_BOY_ENDINGS = """den don dan ton son ley lan len ric ran ron rin ven vin an en ius ias ian
iel ix lyn dyn ston vyn"""
EN_GIRL_ONSETS = """A Ada Ala Ama Ana Ari Ava Bel Bri Ca Cal Cha Da Ela Eli Ema Eve Fre Ga Gra
Ha Isa Ja Ka Kay Ky La Lei Li Lil Lo Lu Ma Mai Mi Mil Na Ni Pai Rai Ri Ro Sa Sha Sie Sky Ta Te
Va Vi Wil Za Bre Ev Mac Mad Mar Nev Per Tay Brook Rose Summ"""
EN_GIRL_ENDINGS = """lia lyn leigh nna ra rah ya sha ella ette ie ey anna lie bella belle dia
lina lena lani leah nia ria sa ssa tia via yah ley lee nie rie die ssie xie na ah ia lla rae"""
EN_HYPHEN_M = """Jay James Lee Ray John Joe Dean Lewis George Jack Leo Rhys Scott Jon"""
EN_HYPHEN_F = """Mae May Mai Rose Grace Louise Leigh Jo Ann Marie Belle Jane Lou Rae"""

# ---------------------------------------------------------------------------------------------
# Black Caribbean (with English names, see make_family).

CA_BOYS = """Tyrone Marcus Jermaine Dwayne Leon Nathaniel Kai Malachi Isaiah Elijah Josiah Jaden
Tyrese Kyrie Jayden Darnell Andre Devon Ezekiel Reon Joel Jordan Aaron Nathan Daniel Michael
Joshua Jamal Kareem Kemar Shane Romario Ricardo Omari Zion Tristan Jahmal Levi Micah Caleb
Roshane Tyreke Tyrell Jahmai Jamar Jamari Jerome Delroy Leroy Winston Clinton Everton Dalton
Desmond Carlton Junior Kadeem Kaylan Keanu Khalil Lamar Marlon Myles Nehemiah Obadiah Reuben
Rashad Rohan Shaquille Shemar Tajay Tremaine Trevon Tyler Xavier Zachary Amari Ashanti Brandon
Cairo Demarco Deshawn Donovan Ellis Emmanuel Giovanni Hezekiah Israel Jabari Jahiem Jaheim Javon
Jevaughn Kemani Kenroy Kimani Kymani Lennox Makai Marley Mekhi Nasir Ray Ronaldo Santino Shamar
Tahj Terrell Tevin Trey Tye Wesley"""
CA_GIRLS = """Shanice Jada Tia Keisha Aaliyah Imani Nia Kiara Amara Jasmine Tiana Shantelle
Destiny Precious Naomi Simone Kayla Chantelle Ruth Esther Leah Alicia Monique Tanisha Jodie
Renee Tamara Shania Kadijah Zara Mya Amani Nevaeh Serena Kezia Marcia Jasmin Deja Trinity Sasha
Keturah Abriella Adaeze Akeelah Alesha Amaya Anaya Antonia Ashanti Beyonce Brianna Cherelle
Chanel Chardonnay Ciara Dionne Eboni Eliana Essence Faith Genesis Harmony India Jahzara Jamila
Janae Jayda Jolie Kamari Kamiyah Kayanna Keziah Kiana Laila Latoya Makayla Malia Maya Miracle
Nadia Nailah Nyla Nyah Paris Petra Rihanna Sade Saffron Shakira Shanae Shanelle Shauna Sherelle
Shontae Taliyah Tanika Tiara Toni Tyra Yasmin Zaria Zuri"""
CA_SURNAMES = """Campbell Brown Williams Clarke Grant Francis Thomas Johnson Reid Morgan Henry
Samuels Bailey Gordon Lewis Powell Stewart Richards Edwards Walters Daley Forbes Barrett
Sinclair McKenzie Bennett Beckford Gayle Ellis Allen Murray Graham Palmer Duncan Spence Wright
Hinds Mullings Ricketts Blake Facey Gooden Anderson Baptiste Bartley Bellamy Bogle Boothe Bryan
Burke Cameron Chambers Christie Coke Cole Dacres Dixon Douglas Dunkley Ellington Fearon Ferguson
Findlay Gilbert Goulbourne Gray Green Gregory Hall Hamilton Harriott Harris Hemmings Hibbert
Hutchinson Jackson James Jarrett Jones Kelly King Lawrence Lindo Lynch Maragh Marshall Martin
McFarlane McIntosh McLean Miller Mitchell Morrison Nelson Osbourne Pinnock Reynolds Riley
Roberts Robinson Rose Russell Scott Shaw Simpson Smith Stephenson Taylor Thompson Walker Watson
White Whyte Wilson Wynter Young"""
CA_BOY_ONSETS = """Ja Jah Ke Ky Ta Te Ty De Da La Le Ra Ro Za Mar Tre Ken Jer Dar Kay Sha Tay
Jay Ma Kha Na"""
CA_BOY_ENDINGS = """mal mar vaughn rell quan shawn von ron rique rome rel mari kai rian reek
shon vion mel zion kwan lon reon"""
CA_GIRL_ONSETS = """Sha Ja Ke Ky Ta Te Ty De Da La Le Ra Za Ni Ki Shan Tan Na Ma Ka Kay Tay Jay
Aa"""
CA_GIRL_ENDINGS = """niece nice nelle kia keisha tisha nique quisha ria nay nae mara tiana shay
lah nya lyn niya kiyah miyah rielle shanti sia nika"""

# ---------------------------------------------------------------------------------------------
# White Other: Polish, Romanian, Lithuanian and Portuguese.

PL_BOYS = """Jakub Kacper Szymon Filip Mateusz Bartosz Michał Wojciech Łukasz Paweł Mikołaj
Antoni Krzysztof Tomasz Piotr Dawid Oskar Wiktor Maciej Jędrzej Aleksander Kamil Adrian Patryk
Igor Jan Franciszek Stanisław Adam Marcel Nikodem Ignacy Tymon Leon Oliwier Alan Hubert Dominik
Miłosz Fabian Gabriel Kajetan Julian Maksymilian Borys Bruno Cezary Damian Daniel Dariusz Emil
Eryk Gustaw Grzegorz Henryk Iwo Jacek Jarosław Jerzy Józef Karol Konrad Kornel Krystian Kuba
Leszek Marcin Marek Mariusz Mieszko Natan Norbert Olaf Przemysław Rafał Robert Roman Ryszard
Sebastian Sławomir Stefan Szczepan Tadeusz Tobiasz Wiesław Witold Władysław Xawery Zbigniew
Ksawery Aleks Artur Bogdan Dorian Ernest Feliks Gracjan Janusz Konstanty Lucjan Nataniel Oliwer
Remigiusz Tymoteusz Wincenty"""
PL_GIRLS = """Zofia Zuzanna Julia Maja Hanna Lena Alicja Oliwia Wiktoria Małgorzata Katarzyna
Agnieszka Natalia Aleksandra Weronika Martyna Gabriela Łucja Joanna Kinga Amelia Nikola
Magdalena Anna Laura Pola Nadia Antonina Emilia Helena Iga Jagoda Kalina Karolina Klara Liliana
Marcelina Maria Matylda Milena Nina Paulina Róża Sara Stanisława Urszula Wanda Barbara Beata
Dominika Dorota Edyta Ewa Irena Iwona Izabela Jadwiga Justyna Kamila Klaudia Kornelia Lucyna
Marta Monika Patrycja Renata Sylwia Teresa Adrianna Agata Aniela Apolonia Aurelia Bianka Blanka
Celina Daria Eliza Felicja Gaja Ida Inga Jowita Julianna Krystyna Leokadia Malwina Marianna
Michalina Nela Olga Roksana Rozalia Sandra Tola Walentyna Żaneta"""
PL_SURNAMES = """Nowak Kowalski Wiśniewski Wójcik Kowalczyk Kamiński Lewandowski Zieliński
Szymański Woźniak Dąbrowski Kozłowski Jankowski Mazur Kwiatkowski Krawczyk Piotrowski Grabowski
Nowakowski Pawłowski Michalski Król Wieczorek Jabłoński Wróbel Majewski Olszewski Stępień
Jaworski Malinowski Górski Sikora Baran Zając Witkowski Walczak Rutkowski Michalak Szewczyk
Ostrowski Adamczyk Dudek Nowicki Pawlak Tomaszewski Wróblewski Zalewski Jasiński Pietrzak
Marciniak Sadowski Bąk Zawadzki Duda Włodarczyk Chmielewski Borkowski Sokołowski Szczepański
Sawicki Lis Kucharski Mazurek Kubiak Kalinowski Wysocki Maciejewski Czarnecki Kołodziej Urbański
Kaczmarek Wilk Krajewski Szulc Kaźmierczak Czerwiński Mroczek Adamski Błaszczyk Gajewski Cieślak
Kaczmarczyk Kozak Sobczak Głowacki Laskowski Kowalewski Baranowski Kamińska Szczepaniak Kurek
Sobczyk Przybylski Kaczmarski Tomczak Kowal Jakubowski Makowski Gołębiowski Kozieł Wojciechowski
Cieśla Skowroński Gutowski Bielecki Kubacki Krzemiński Pająk Kasprzak Żak Szymczak Stachowiak
Dziedzic Grzelak Wawrzyniak"""
PL_SURNAME_STEMS = """Kowal Nowak Wiśni Kamień Lewand Zielin Szyman Woźn Dąbr Kozł Jank Mazur
Kwiatk Krawc Piotr Grab Pawł Michal Wiecz Jabł Maj Olsz Jawor Malin Gór Witk Rutk Ostr Bar Brzez
Czarn Dud Gaw Głow Gołęb Jasin Jez Kaczm Kalin Kasp Kot Krzyż Kubi Lis Łucz Mach Marc Niem Pietr
Przyb Rad Rog Sad Sob Sok Stach Stef Szcz Szew Tom Urban Wal Wilk Wit Wojc Wróbl Zaj Zawad Zdan
Żak Żuk Bog Bor Chmiel Dob Dom Fil Jak Jur Kacz Klim Kos Kraw Krup Kuc Lech Lip Mak Mil Mir Mosk
Now Osiń Pas Pol Rom Ros Rud Siem Sik Skow Sław Smol Stan Suł Świąt Tar Traw Węg Wierzb Wol Zar
Ziel Zych"""
PL_SURNAME_ENDINGS = """owski ewski ski iński ecki czyk czak ak ek iak uk owicz ewicz icz"""
RO_BOYS = """Andrei Ștefan Ionuț Mihai Alexandru Gabriel Cristian Florin Răzvan Bogdan Darius
Matei Vlad Sebastian Costel Luca David Eduard Marius Sorin Adrian Alin Antonio Aurel Cătălin
Ciprian Claudiu Codrin Constantin Cosmin Daniel Denis Dorin Dragoș Emanuel Eric Eugen Fabian
Flavius Gheorghe Horia Ilie Ioan Ion Iulian Laurențiu Liviu Lucian Marian Mario Mircea Nicolae
Nicușor Octavian Ovidiu Paul Petru Radu Raul Robert Rareș Remus Sergiu Silviu Teodor Tudor
Valentin Vasile Victor Viorel Albert Aris Bianco Damian Iustin Mateo Patrick Tiberiu Cezar Dan
Doru Emil George Iosif Mihnea Narcis Sabin Traian Valeriu Virgil"""
RO_GIRLS = """Ioana Maria Elena Andreea Ana Bianca Alexandra Daria Ștefania Roxana Mădălina
Denisa Cristina Larisa Raluca Ilinca Irina Teodora Alesia Sara Adelina Alina Anca Antonia
Camelia Carmen Casiana Claudia Corina Cosmina Daniela Delia Diana Doina Eliza Emilia Evelina
Florentina Gabriela Georgiana Iulia Izabela Laura Lavinia Loredana Luminița Maia Mara Medeea
Mihaela Miruna Monica Natalia Nicoleta Oana Otilia Patricia Petra Ramona Rebeca Sabina Silvia
Simona Sofia Sorina Tania Viviana Yasmina Amalia Anastasia Crina Dalia Ecaterina Flavia Ingrid
Lorena Melisa Ruxandra Adriana Angela Aurelia Carla Florina Gianina Iuliana Lucia Magda Mirela
Paula Valentina Veronica"""
RO_SURNAMES = """Popescu Ionescu Popa Constantin Stan Dumitru Munteanu Ștefan Gheorghe Marin
Rusu Lungu Tănase Mocanu Ciobanu Nistor Bălan Dobre Florea Zamfir Niță Toma Moldovan Oprea Sârbu
Ursu Căpraru Bucur Radu Georgescu Stoica Matei Diaconu Dinu Ene Ilie Lazăr Mihai Neagu Nicolae
Pavel Preda Roman Rotaru Sandu Stanciu Stoian Vasile Voicu Anghel Avram Barbu Cojocaru Costea
Cristea Dragomir Enache Iordache Lupu Manea Marinescu Mihăilă Moraru Olteanu Petrescu Pop
Radulescu Sava Simion Suciu Tudor Ungureanu Vlad Andrei Balan Bogdan Chiriac Cozma Croitoru
Dinca Dobrescu Dragan Dumitrescu Filip Grigore Iancu Ionita Jitaru Lupascu Mitrea Mircea Nastase
Negru Oancea Paraschiv Pascu Pintea Rădulescu Sima Stanescu Surdu Tudose Vasilescu Zaharia"""
RO_SURNAME_STEMS = """Pop Ion Stan Dumitr Vasil Constantin Gheorgh Radul Mihail Nicol Petr Marin
Tudor Dobr Lup Neag Grig Oprea Tom Vlad Simion Lazăr Anghel Man Voic Iord Matei Moldov Munte Olt
Ciob Croit Rot Stoic Barb Dinc Cozm Pavel Ianc Costin Chiril Dragom Bucur Ghiț Mitr Sandul Stef
Toad Zamfir Năst Bălan Cristes Drag Stoian Ungur"""
RO_SURNAME_ENDINGS = """escu eanu aru ache ică an ea oiu uță ilă ovici"""
LT_BOYS = """Lukas Matas Jonas Dominykas Nojus Kajus Tomas Mantas Žygimantas Gustas Rokas Arnas
Dovydas Benas Justas Aironas Ąžuolas Augustas Domantas Edvinas Emilis Ignas Jokūbas Joris
Kristupas Laurynas Martynas Motiejus Paulius Pijus Povilas Rapolas Simas Tadas Titas Vakaris
Vilius Adomas Aistis Andrius Darius Deividas Elijus Gabrielius Herkus Karolis Mykolas Nedas
Rytis Šarūnas Vytautas"""
LT_GIRLS = """Emilija Gabija Austėja Kamilė Urtė Ugnė Goda Saulė Miglė Rūta Liepa Adelė Smiltė
Viltė Greta Amelija Aistė Aušra Barbora Deimantė Ema Evelina Gerda Ieva Ignė Jokūbė Justė
Karolina Kotryna Lėja Luknė Milda Monika Neringa Paulina Rugilė Skaistė Sofija Vakarė Viktorija
Agnė Akvilė Aurelija Dalia Eglė Gintarė Indrė Laura Lina Marija"""
LT_SURNAMES = """Kazlauskas Jankauskas Petrauskas Stankevičius Vasiliauskas Žukauskas Butkus
Paulauskas Urbonas Kavaliauskas Navickas Ramanauskas Šimkus Balčiūnas Jonaitis Adomaitis
Ambrazevičius Baranauskas Bernotas Budrys Čepulis Dambrauskas Grigas Gudaitis Jakštas Juodka
Kairys Kučinskas Lukoševičius Mačiulis Marcinkevičius Mikalauskas Norkus Pocius Rimkus Sabonis
Sakalauskas Stonkus Tamošiūnas Urbonavičius Vaitkus Valančius Vitkus Žemaitis Zabielskis
Žilinskas"""
LT_SURNAME_STEMS = """Kazl Jank Petr Stank Vasili Žuk Butk Paul Urbon Kaval Navick Raman Šimk
Balč Jon Adom Ambraz Bagd Balt Bud Čes Dauk Grigal Jakšt Juod Kuč Lauc Mažeik Mik Norv Pakaln
Radz Rimk Sabal Sakal Stasiul Tamoš Urban Valanč Vait Žemait Arl Bern Dambr Gud Kair Mačiul Pet
Stonk Vitk Zabiel"""
LT_SURNAME_ENDINGS = """auskas evičius aitis ūnas ėnas onis us is as ius inskas avičius"""
PT_BOYS = """João Tomás Rodrigo Martim Francisco Santiago Afonso Duarte Gonçalo Guilherme Tiago
Diogo Simão Lourenço Miguel Rafael Gabriel Pedro João_Pedro José Vicente Salvador Henrique
Gustavo Lucas Enzo David Daniel Leonardo Vasco Bernardo Dinis Manuel António Rúben Ricardo Bruno
André Hugo Nuno Paulo Luís Filipe Carlos Fábio Vítor Jorge Sérgio Matheus Matias Samuel Benjamim
Isaac Leandro Alexandre Eduardo Fernando Joaquim Renato Marco Márcio Mateus Wesley Thiago Caio
Davi Arthur Heitor Cauã Luan Igor Kauã Murilo Otávio Raul Rui Sandro Xavier"""
PT_GIRLS = """Maria Leonor Matilde Beatriz Inês Carolina Mariana Ana Lara Sofia Margarida
Constança Francisca Íris Maria_Leonor Ana_Rita Benedita Clara Alice Joana Camila Catarina Diana
Eva Filipa Gabriela Helena Isabel Júlia Laura Letícia Luana Luísa Madalena Mafalda Maria_Eduarda
Maria_Clara Marta Mia Míriam Noémia Patrícia Rita Rafaela Rebeca Sara Teresa Vitória Yara Bianca
Bruna Daniela Fernanda Giovanna Heloísa Isadora Larissa Lívia Manuela Natália Raquel Sabrina
Tânia Valentina Ana_Beatriz Ana_Luísa Maria_João Carlota Jéssica Andreia Cláudia Débora Sónia
Vera"""
PT_SURNAMES = """Silva Santos Ferreira Pereira Oliveira Costa Rodrigues Martins Jesus Sousa
Fernandes Gonçalves Gomes Lopes Marques Alves Almeida Ribeiro Pinto Carvalho Teixeira Moreira
Correia Mendes Nunes Simões Magalhães Conceição Araújo Fonseca Vieira Monteiro Cardoso Rocha
Dias Cunha Soares Machado Barbosa Lourenço Reis Matos Coelho Cruz Ramos Moura Antunes Freitas
Tavares Pires Castro Figueiredo Azevedo Batista Campos Neves Lima Mota Guerreiro Sá Henriques
Leite Pinheiro Brito Valente Carneiro Nascimento Morais Andrade Borges Garcia Miranda Baptista
Teles Macedo Sequeira Guimarães Branco Loureiro Paiva Abreu Rosa Serrano Duarte Pacheco Nogueira
Vaz Jorge Faria Quintas Salgado Brandão Calado Esteves Barros Melo Sampaio Cabral Amaral Couto"""

# ---------------------------------------------------------------------------------------------
# South Asian: Pakistani and Bangladeshi Muslim, Sikh and Indian (mostly Gujarati Hindu) names.

MS_BOYS = """Mohammed|Muhammad|Mohamed|Mohammad|Muhammed Ahmed|Ahmad Hussain|Hussein|Husain
Hassan|Hasan Yusuf|Yousef|Yousuf|Yusef Ibrahim|Ebrahim|Ibraheem Ismail|Ismael Zain|Zayn|Zaine
Ayaan|Ayan|Aayan Abdullah|Abdulla Omar|Umar Usman|Osman|Uthman Bilal|Bilaal Hamza|Hamzah
Imran|Emran Rayyan|Rayan Ali Zakariya|Zakaria|Zakariyya Idris|Idrees Amir|Aamir|Ameer
Faisal|Faysal Haris|Haaris Rahim|Raheem Tariq|Tarik|Tarique Ilyas|Iliyas
Mustafa|Mustapha|Mostafa Musa|Moosa Isa|Eesa|Issa Junaid|Junayd Saif Adnan Arham Shahid|Shahed
Rehan|Raihan|Rayhan Sufyan|Sufian Danyal|Daniyal Ayub|Ayoub Haroon|Harun|Haroun Kashif
Nabil|Nabeel Shakil|Shakeel Arif|Aarif Hamid|Hameed Sami Waleed|Walid Adam Yahya|Yahia Subhan
Azaan|Azan Aariz|Ariz Adil|Aadil Affan Ahsan|Ehsan Akram Ammar|Amaar Anas Arsalan|Arslan
Asad|Assad Ashir Asif|Aasif Aslam Atif|Aatif Awais|Owais|Uwais Ayaz Azeem|Azim Basit Danish
Faizan|Faizaan Farhan Fahad|Fahd Faraz Fawad Hadi Haider|Haidar|Hyder Hammad Hanzala|Hanzalah
Huzaifa|Huzaifah|Hudhaifa Ibrar Ikram Imad Irfan Ishaq|Ishaaq Jibril|Jibreel|Jibraeel Kamran
Khalid|Khaled Luqman|Lukman Mahir Maaz|Muaz|Moaz Mikail|Mikael|Mikaeel Mueez Mujtaba
Nasir|Naseer Naveed|Navid Nauman|Noman|Numan Qasim|Kasim|Qassim Rafay Rizwan|Rizwaan Saad Sabir
Safwan Salman|Salmaan Samir|Sameer Saqib Shayan|Shayaan Shoaib|Shuaib Sohail|Suhail
Sulaiman|Sulayman|Suleman Taha Talha|Talhah Tahir|Taahir Taimur|Taimoor Usama|Osama|Usamah
Uzair|Uzayr Waqas Wasim|Waseem Yasir|Yasser Younis|Yunus|Younus Zaid|Zayd Zakir Zeeshan|Zishan
Zubair|Zubayr Ahad Aleem|Alim Arsh Ayman|Aiman Daud|Dawood|Dawud Fahim|Faheem Fazal|Fazl
Hashim|Hasham Husnain|Hussnain Jawad Kabir Moiz Mubashir Muneeb Musab Raees|Rais Rameez|Ramiz
Shahzad|Shehzad Sharjeel Umair|Umayr Wahab Yasin|Yaseen|Yassin Zaheer|Zahir Zohaib|Zuhaib
Zayan|Zayaan Hamdan Hassaan|Hasaan Abrar Ahmer Akbar Anees|Anis Aqib Ashraf Atiq Azhar Burhan
Daniyal Ehtisham Farooq|Faruq Ghazi Habib Hafeez|Hafiz Hussam Ijaz Iqbal Israr Jabir
Jameel|Jamil Kaleem|Kalim Luqmaan Majid|Majeed Mansoor|Mansur Mehmood|Mahmood Mubeen Mudassar
Muhsin|Mohsin Munir Naeem|Naim Nadeem|Nadim Nouman Qaiser|Kaiser Rafiq|Rafique Rashid|Rasheed
Rauf Sajid Sajjad Shabir|Shabbir Shafiq Sharif Shehryar|Sheharyar Sikandar|Sikander
Tanveer|Tanvir Tauseef|Tausif Touqeer|Tauqeer Yaqub|Yaqoob Zafar Zahid Zeyad|Ziyad"""
MS_GIRLS = """Aisha|Ayesha|Aysha|Aishah Fatima|Fatimah|Fatema Maryam|Mariam|Mariyam
Zainab|Zaynab Khadija|Khadijah|Khadeeja Amina|Aminah|Ameena Hafsa|Hafsah Safiya|Safiyyah|Safia
Hana|Haana Inaya|Inayah Anaya|Anaaya Zara|Zaara Noor|Nur Sumaya|Sumaiya|Sumayyah
Ruqayyah|Ruqaiya|Rukaya Yasmin|Yasmeen Samina|Sameena Nadia|Nadiya Sana|Sanaa Iqra Laiba|Laibah
Hira Eman|Iman Halima|Haleema|Halimah Tasnim|Tasneem Maliha|Maleeha Alisha|Aleesha
Mahnoor|Mahnur Jannat|Jannah Zoya Aleena|Alina Hadiya|Hadia Esha|Eesha Humaira|Humera Sidra
Rimsha Aiza Anum Rabia|Rabiya Areeba|Arooba Mehreen|Mehrin Aafia|Afia Aaliyah|Aliyah|Aliya Aimen
Alishba|Alishbah Amna|Aamna|Amnah Anisa|Aneesa|Anisah Aqsa|Aksa Asiya|Aasiya Asma|Asmaa Ayat
Azka Bushra Dua|Duaa Eshal Fariha Faiza|Fiza Ghazal Hajra|Hajira|Hajar Hamna Haniya|Hania
Hiba|Heba Huda Ifra Ilham Iram Javeria|Juwairiyah Kainat|Kaynat Kinza|Kinzah Kulsoom|Kulsum
Lubna Mahira|Maheera Manahil Maira Marwa|Marwah Minahil Mishal|Mishaal Momina Muskan|Muskaan
Nabiha Naila|Nayla Nida Rameen Rida Rubab Saba Sadia|Sadiya Safa Sakina|Sakeena|Sakinah
Samira|Sameera Saniya|Sania Sarah|Sara Shanza Tahira Tayyaba|Tayyiba|Taiba Umaima|Umaimah Urooj
Warda Yusra|Yousra Zahra|Zehra Zunaira|Zunairah Zoha|Zuha Aleeza|Aliza Anabia Arfa Ayra
Daniya|Daniyah Eiman Elham Hareem Hoorain|Hurain Irha Khansa Laraib Maham Mehak|Mahek Mirha
Mysha|Maisha Pakeeza|Pakeezah Rania|Raniya Rumaisa|Romaisa|Rumaysa Sehrish Tooba|Tuba Wajiha
Yumna Zimal Aneeqa|Aniqa Bisma Erum Farah Gulnaz Hafiza Ifrah Khadeeja Lamia Mahrukh Mariya
Nimra Parveen|Perveen Qurat Rukhsar Saima Shazia Sobia Sumbul Uzma"""
ABD_BOYS = """Abdul_Rahman|Abdulrahman|Abdur_Rahman Abdul_Karim|Abdulkarim
Abdul_Malik|Abdulmalik Abdul_Hadi|Abdulhadi Abu_Bakr|Abubakr|Abubakar Abdul_Basit|Abdulbasit
Abdul_Qadir|Abdulqadir Abdul_Wahid|Abdulwahid Abdul_Aziz|Abdulaziz Abdul_Hamid|Abdulhamid
Abdul_Majid|Abdulmajid Abdul_Rashid|Abdulrashid Abdul_Samad|Abdulsamad Abdul_Jabbar|Abduljabbar
Abdul_Hakim|Abdulhakim Abdul_Wahab|Abdulwahab Abdul_Ghani|Abdulghani Abdul_Latif|Abdullatif
Abdul_Qayyum|Abdulqayyum Abdul_Haq|Abdulhaq Abdul_Salam|Abdussalam Abdul_Muqtadir|Abdulmuqtadir"""
FEMALE_COMPOUNDS = """Nur_Jahan|Noor_Jahan|Nurjahan Fatima_Zahra|Fatimah_Zahra|Fatimazahra
Noor-ul-Ain|Noor_ul_Ain|Noorulain Umme_Habiba|Ummehabiba|Umm_Habiba Noor_Fatima|Nur_Fatima
Syeda_Zainab|Sayeda_Zainab Hafsa_Noor|Hafsah_Noor Umme_Kulsum|Ummekulsum Noor_Ayesha|Nur_Aisha
Umme_Salma|Ummesalma Syeda_Fatima|Sayeda_Fatima Zil-e-Huma|Zille_Huma Umme_Aiman|Ummeaiman
Noor-e-Sahar|Noor_e_Sahar Qurat-ul-Ain|Qurratulain|Qurat_ul_Ain Hoor-ul-Ain|Hoorulain"""
# Tail: one-word compounds in -ullah and -uddin (with their usual spellings).
MS_ULLAH_STEMS = """Rahmat Ehsan Sana Hafeez Habib Inayat Asad Kalim Karam Saif Ubaid Najib Sami
Zabih Hamid Aziz Atta Fazl Zia Noor Shafi Amin Obaid Wali Khalil Latif Rafi Hidayat Izzat Ikram
Ihsan Kifayat Naqib Rahim Sadiq Shukr Wahid Zaki Nasr Fath Naseem"""
MS_UDDIN_STEMS = """Salah Nizam Shams Qamar Amin Moin Zia Jalal Kamal Jamal Nasir Ala Fakhr
Siraj Taj Imad Nur Rafi Zain Khair Shahab Baha Sharaf Ghiyas Muhi Qutb Rukn Saad Saif Shihab
Wali Hisam Najm Nasr Riaz Aziz"""
PK_SURNAMES = """Khan Hussain|Hussein|Husain Ahmed|Ahmad Ali Akhtar|Akhter Iqbal
Mahmood|Mehmood|Mahmud Shah Rashid|Rasheed Butt Malik Raja Chaudhry|Chaudhary|Choudhry
Qureshi|Kureshi Aslam Javed|Javaid Mirza Sheikh|Shaikh Anwar Hanif|Haneef Zaman Riaz Nawaz
Siddique|Siddiqui|Saddique Yousaf|Yusuf Rehman|Rahman Ashraf Arshad Bashir|Basheer Sadiq|Sadique
Rafiq|Rafique Latif|Lateef Farooq|Farooqi|Faruk Haq|Haque|Huq Abbas Naqvi Jamil|Jameel
Khalid|Khaled Karim|Kareem Younis|Younas|Yunus Aziz Hameed|Hamid Mughal Awan Janjua Rana Bhatti
Abbasi Afzal Akbar Akram Alam Amin Anjum Arain Asghar Ashiq Ayub Azam Baig|Beg Bajwa Bukhari
Chughtai Dar Faiz Ghani Ghauri|Ghori Gondal Gul Habib Hafeez Haider|Hyder Hassan Hayat Ilyas
Imran Irshad Ishaq Jadoon Jahangir Jamal Jan Kamal Kayani|Kiani Khalil Khokhar Lodhi
Majeed|Majid Maqbool Masood Mehboob|Mahboob Minhas Mir Munir Mushtaq Nadeem Naseem Nazir Niazi
Noor Parvez|Pervez Qadir Qayyum Rasool|Rasul Rathore Raza Razzaq Saeed Saleem Sarwar Shafiq
Shafi Shahzad Shakoor Sharif Sultan Tahir Tanveer Tariq Usman Waheed Yaqoob|Yaqub Zafar Zaheer
Zahid Zia Zubair"""
BD_BOYS = """Sabbir Tanvir Rakib|Raqib Fahim|Faheem Mahir Mahdi|Mehdi Nayeem|Nayem|Naim
Sakib|Saqib Tahmid Zubair|Zubayr Tamim|Tameem Labib Samir|Sameer Rifat Sajid|Sajed
Shahin|Shaheen Jubayer|Jubair Ashik|Ashiq Rashed|Rashid Monir|Munir Mahin Rafi Shafin Tahsin
Tausif|Tawsif Nafis|Nafees Arafat Ariyan Redwan|Ridwan Rubel Shihab Sohel|Suhel Tanim Tarek
Mamun Hasib Imtiaz Jahid Kawsar|Kausar Nahid Rasel Sadman Towhid|Tawhid Yeasin|Yasin Ahnaf Anik
Ashraful Foysal Jahin Mahfuz Minhaz Mushfiq Obaid Sajjad Shahriar|Shahriyar Tanzim Zarif Abrar
Afnan Ishraq Mustakim Nazmul Rahat Samin Tanzil Abid Alif Anwar Ehsan Faruk Habib Jamil Kamrul
Masud Mizan Nasim Rafiq Rayhan Saiful Shafiq Shuhel Sumon Tarikul"""
BD_GIRLS = """Nusrat Sadia|Sadiya Tasnim|Tasneem Sumaiya|Sumaya Farhana Rumana Shamima Jannatul
Maliha Tahmina Sharmin Ruksana|Rukhsana Nafisa|Nafeesa Anika Mim Raisa Sanjida Fahmida
Nabila|Nabeela Afsana Rima|Reema Lamia|Lamiya Sabrina Tania|Taniya Mehjabin|Mehjabeen Nishat
Nuzhat Tasfia|Tasfiya Maisha|Mysha Shirin|Shireen Sabiha Shahana Fahima Lubaba Mahmuda Munira
Nazia Nowshin|Naushin Parvin|Parveen Rahima Rehana|Rihana Rokeya Shapla Sultana Tamanna Tasmia
Ishrat Jesmin|Jasmin Khadiza Labiba Mahiya Nazifa Rubina Sumona Tanjila|Tanzila Zakia|Zakiya
Adiba Anjuman Hasina Mehnaz Nasrin|Nasreen Rupa Afrin|Afreen Iffat Jahanara Rashida Salma
Shabnam Sufia Taslima Yasmin"""
BD_FAMILY = """Miah|Mia|Meah Uddin|Udin Ahmed|Ahmad Rahman|Rahaman Islam Hoque|Haque|Hoq Ali
Chowdhury|Choudhury|Chaudhury Hussain|Hossain Khan Alom|Alam Karim Sarkar|Sarker
Talukdar|Talukder Munshi Mollah|Molla Sheikh|Shaikh Bhuiyan|Bhuiya Majumder|Mojumder Kabir Hasan
Mahmud|Mahmood Siddique|Siddiqui Rashid Jalal Mridha Shikder|Sikder
Khandaker|Khondaker|Khondokar Hannan Malik Bepari Dewan Mondal|Mandal Sultan Akand Bari Biswas
Dhali Fakir|Faqir Gazi|Ghazi Howlader|Hawlader Kazi|Qazi Laskar|Lashkar Mallik Matubbar Mir
Noor|Nur Paik Patwari Pramanik Rahim Sardar|Sarder Shah Tarafdar Zaman Ullah Mostafa Momin
Pathan Sabur Sobhan|Sobahan Tapadar Aziz Ferdous Hakim Hasnat Kamal Latif Mannan Masud Nabi
Rouf|Rauf Salam Abedin Alamgir Anwar Bashar Enam Haider Iqbal Jamal Kashem|Kasem Monir Nazrul
Rakib Shahid Shamsuddin Taher Bhuyan Chishti|Chisty Daula Gani Jamadar Majid Morshed Osmani
Parvez Quader Razzak Sajjad Tipu Wadud"""
SK_BOYS = """Harpreet Gurpreet Jaspreet Manpreet Arjun Jasdeep Harjot Ranveer Gurdeep Karanveer
Amandeep Sukhdeep Harjeet|Harjit Simranjit|Simranjeet Gurvinder Jaskaran Parminder Hardeep
Navdeep Kuldeep Gurtej Jasraj Gurjot Harvinder Sukhvir|Sukhveer Manveer Gurkirat Prabhjot
Taranjit Inderjit|Inderjeet Rajvir|Rajveer Balraj Jagjit|Jagjeet Satnam Angad Fateh Ekam Tejbir
Gursimran Navraj Manjot Sahib Arshdeep Japjot Amrit Aaron Ajay Ajit Akaal Amar Amarjit Armaan
Arvinder Avtar Baljit Balwinder Bhupinder Charanjit Daljit Davinder Deep Dilpreet Gagandeep
Gurbir Gurjit Gurmeet Gurnam Gurpal Harbhajan Harman Harnek Harsimran Ishar Jagdeep Jaskirat
Jasvir Jatinder Jeevan Jujhar Kamaljit Karan Kirpal Kulwant Kulvir Lakhvir Mandeep Manjit Nirmal
Paramjit Parmjit Pritpal Rajinder Ranjit Ravinder Ravneet Rupinder Sandeep Sarbjit Sukhjinder
Sukhman Sukhpreet Surinder Tajinder Tarlochan Tegh Vikramjit Yuvraj Zorawar"""
SK_GIRLS = """Harleen Simran Gurleen Jasleen Navneet Manpreet Amrit Harpreet Jaspreet Kiran
Ravneet Sukhpreet Gurpreet Rajveer Simranjeet Ishpreet Jasmeet Prabhjot Mandeep Harnoor Gurnoor
Jasnoor Amanpreet Ravinder Rupinder Sukhmani Japneet Harmeet Jaskirat Mehar Noor Avneet Tanveer
Parneet Gurkiran Arshpreet Sehaj Jasmine Anmol Inayat Kirandeep Amandeep Amarjit Baljit
Balvinder Charanjit Daljit Dilpreet Gagandeep Gurjit Gurmeet Gursimran Harjit Harkiran Harsimran
Inderpreet Jaswinder Jeevan Kamaljit Kamalpreet Kulwinder Kuldip Manjit Mankiran Manveer Navjot
Navpreet Nimrat Paramjit Parminder Pawandeep Prabhleen Rajinder Rajwinder Ramandeep Ranjit
Ravleen Sandeep Sarbjit Simar Sonia Sukhjeet Sukhwinder Surinder Taranjit Tejinder Amrita
Anureet Asees Diljot Gurbani Ishleen Jasdeep Manleen Sukhleen"""
SK_FAMILY = """Gill Sandhu Sidhu Dhillon Grewal Bains Johal Atwal Sahota Bhamra Kang Dhaliwal
Virdi Sangha Samra Hayer Bassi Rai Mann Uppal Chahal Bhogal Panesar Matharu Sohal Bhatti Basra
Cheema Purewal Randhawa Sekhon Brar Toor Aulakh Dhami Khera Kalsi Bansal Hundal Nijjar Ahluwalia
Arora Aujla Badesha Bagri Bahra Bal Bhachu Bhandal Bharj Bhullar Binning Birdi Boparai Chadha
Chana Chohan Dhanda Dhanoa Dhesi Dhindsa Dhanjal Dosanjh Flora Gahir Garcha Gidda Gosal Hans
Heer Jagpal Jaswal Jassal Jawanda Jhajj Jhuti Johl Kalirai Kalra Kandola Khaira Khalsa Kooner
Kular Lally Lehal Mahal Mahil Malhi Mangat Manku Mattu Nagra Nahal Nandra Padda Pandher Pannu
Phull Plaha Pooni Rakhra Rehal Sahi Saini Sall Sanghera Sarai Saroya Shergill Sian Sohi Soor
Sran Takhar Tatla Thandi Thiara Tiwana Virk Walia Deol Dhariwal Marwaha Rattan Sehmi Thind"""
# Tail: given names from a first element and a second (-preet, -deep, -jit, -vir ...).
SK_STEMS = """Har Gur Jas Man Sukh Nav Param Aman Raj Simran Karan Ran Jag Bal Kul Dal Ram Tej
Inder Prabh Jap Arsh Ekam Ish Rav Rup Tan Kiran Gagan Dil Kamal Lakh Mehar Nir Pav Sarab Amar
Bhup Char Dav Jat Jiv Kanwar Pal Sat Daman Gun Jug Sahaj Tarn Hark Mohan Bir Prit Sim Navjot"""
SK_ENDINGS_M = """vir|veer bir|beer jit|jeet inder deep|dip preet|prit jot pal dev raj
winder|vinder want meet|mit"""
SK_ENDINGS_F = """preet|prit deep|dip jit|jeet leen noor meet|mit jot kiran reet winder|vinder"""
HI_BOYS = """Aarav|Arav Arjun Rohan Krish|Krrish Dev Vihaan|Vihan Aryan|Aaryan Ishaan|Ishan
Rahul Sai Nikhil Vivek Hari Jay|Jai Karan Rishi Yash Neel|Nil Shiv Ravi Om Kabir Anish Pranav
Siddharth|Sidharth Aditya Ansh Reyansh|Rayansh Dhruv Harsh Kunal Manav Nirav Parth Raj Sahil
Tejas Veer Yuvraj Akash|Aakash Amit Deepak|Dipak Mihir Rudra Aadi|Adi Aakarsh Abhay Abhishek
Advait Agastya Ajay Akhil Aniket Ankit Anmol Arnav Atharva Ayush|Aayush Bhavik Chirag Darshan
Devansh Dhairya Dhanush Gaurav Hardik Hitesh Jatin Jignesh Kartik|Karthik Keval Kirtan Krishna
Kush Laksh Luv Manan Mayank Meet Mitesh Naman Nihal Nishant Ojas Pavan|Pawan Prem Pritesh Raghav
Rajan Ronak Rushil Samar Sanjay Saurav|Sourav Shaan Shlok Shreyas Shubham Sohan Sunny Tanish
Tanmay Utkarsh Varun Ved Vikram Vinay Vishal|Visal Yug Zaid Aahan Ayan Hrithik Jash Kiaan|Kian
Neil Nirvaan Rehaan Rian|Ryan Sarvesh Viraj"""
HI_GIRLS = """Anaya|Anaaya Diya|Dia Priya|Preeya Riya|Reya|Ria Aanya|Anya Kavya Isha|Eesha
Saanvi|Sanvi Nisha Pooja|Puja Shreya|Shriya Anika|Aanika Meera|Mira Tara Jiya|Jia Neha Avni
Khushi|Khushee Lakshmi|Laxmi Asha Deepa|Dipa Aarohi Navya Myra|Maira Siya|Sia Ishita
Janvi|Jhanvi Krisha Mahi Nandini Palak Radhika Sneha Tanvi Vaishnavi|Vaishnavee Prisha Ananya
Divya Hetal Kajal Mansi|Mansee Rupal Sejal Aadhya|Adhya Aditi Aishwarya Akshara Amisha Anjali
Ankita Anushka Aria Bhavya Bhumi Charvi Chhaya Devika Dhriti Disha Drishti Gauri Hema Hiral Ira
Jaya Jhanavi Kashvi Kiara Kirti Komal Kriti Madhuri Mahika Megha Mitali Nainika Nikita Nila
Nirali Pari Pihu Prachi Pranavi Purvi Reena Rhea Roshni Ruhi Sakshi Samaira Sana Sanjana Shivani
Shruti Sonal Srishti Suhani Swara Trisha Urvi Vanya Veda Vidhi Zara"""
HI_SURNAMES = """Patel Shah Sharma Mistry|Mistri Parmar Chauhan Solanki Kumar Gupta Joshi Mehta
Desai Thakrar Lad Modi Rana Pandya Trivedi Kotecha Vaghela|Waghela Makwana Chavda|Chawda Gohil
Lakhani Bhatt|Bhat Rathod|Rathore Jadeja Verma Yadav Naidu Reddy Pillai Nair Iyer Menon Rao
Pandey Mishra Tiwari|Tiwary Dubey Varma Sodha Chudasama Lodhia Morjaria Ruparelia Tailor
Agarwal|Aggarwal Amin Anand Bhatia Bhalla Bhardwaj Bose Chandarana Chatterjee Dalal Dattani Dave
Dhokia Gadhia Gandhi Ganatra Hirani Jani Jethwa Kakad Kanani Kapoor Karia Kataria Khanna Kotak
Madlani Majithia Malhotra Mandalia Nathwani Pabari Panchal Pandit Parekh|Parikh Pattni Pindoria
Pujara Raithatha Rajani Sachdev Saujani Sethi Shukla Soni Suchak Surani Tanna Thakkar|Thakker
Unadkat Vadher Vaja Varsani Vekaria Vora|Vohra Vyas Chandra Ghosh Das Banerjee Mukherjee
Krishnan Subramanian Srinivasan Naik Kamath Shetty Sinha Prasad Jain Goyal Mittal Kohli Sood
Tandon Mehra"""
# Tail: given names from Sanskrit first elements and endings.
HI_STEMS = """Anu Abhi Ani Dev Har Jay Kri Mano Pra Raj Ravi Shri Sur Vi Hit Kal Nil Par Dhar
Jig Mit Bhav Dip Ram Yog Nare Mahe Rake Dine Kam Tej Sun Hem Lok Jit Gyan Ish Ved"""
HI_ENDINGS_M = """esh endra ant av ish ansh an it ul eet"""
HI_ENDINGS_F = """ika ita ali ini isha vi shree ya ima ana"""

# ---------------------------------------------------------------------------------------------
# Black African: Somali, Nigerian (Yoruba and Igbo) and Ghanaian names.

SO_BOYS = """Mohamed|Maxamed|Mohammed Abdi|Cabdi Abdirahman|Cabdiraxmaan|Abdulrahman
Abdullahi|Cabdullaahi Ahmed|Axmed Ali|Cali Hassan|Xasan|Hasan Hussein|Xuseen|Hussain Omar|Cumar
Yusuf|Yuusuf Ibrahim|Ibraahim Mustafe|Mustafa Abdikarim|Cabdikariim Abdiaziz|Cabdicasiis
Abdiwali|Cabdiwali Liban|Libaan Guled|Guuleed Farah|Faarax Warsame Jama|Jaamac Nuur|Nur
Hamza|Xamse Bilal Ayanle Mahad|Mahat Khalid|Khaalid Sakariye|Zakariye|Zakaria
Osman|Cismaan|Osmaan Ismail|Ismaaciil Faysal|Feysal Abdinasir|Cabdinaasir Said|Saciid|Saeed
Adan|Aadan|Aden Dahir|Daahir Aweys|Awes Yasin|Yaasiin Hirsi|Xirsi Elmi|Cilmi Muse|Muuse|Musa
Abdifatah|Cabdifataax Abdishakur|Cabdishakuur Abdisalam|Cabdisalaan Abdirizak|Cabdirisaaq
Abdirashid|Cabdirashiid Abdiqani|Cabdiqani Abdimalik|Cabdimaalik Abdihakim|Cabdixakiim
Abdiqadir|Cabdiqaadir Abdijabar|Cabdijabaar Abdilahi|Cabdilaahi Abdiwahab|Cabdiwahaab
Abdisamad|Cabdisamad Abdiladif|Cabdilatiif Abukar|Abuukar|Abubakar Ayub|Ayuub Bashir|Bashiir
Burhan|Burhaan Daud|Daa'uud Deeq Fuad|Fu'aad Ilyas|Ilyaas Jibril|Jibriil Khadar|Khadir
Luqman|Luqmaan Mahamud|Maxamuud|Mohamud Mukhtar|Mukhtaar Nuh|Nuux Qasim|Qaasim Ridwan|Ridwaan
Sharmarke Shire Siyad|Siad Suleiman|Suleymaan Yahye|Yaxye|Yahya Idiris|Idris Najib|Najiib
Sabriye Sahal Samatar Sharif|Shariif Yonis|Yuunis Abshir|Abshiir Awil|Cawil Barkhad Dayib
Eid|Ciid Hamud|Xamuud Haybe|Xaybe Kulmiye Nasir|Naasir Qalib|Qaalib Roble|Robleh Shafi|Shaafi
Tahir|Taahir Yasir|Yaasir Abas|Cabaas Bile Dualeh|Ducaale Egal|Cigaal Farhan|Farxaan Geedi
Jeylani Mohamed_Amin|Maxamed_Amiin Abdikadir Anwar|Anwaar Haji|Xaaji Ilhan Kaafi Mursal
Salad|Salaad Sheikh|Sheekh Ubeyd Warfa Yusuf_Ali"""
SO_GIRLS = """Hodan|Hodon Ifrah|Ifra Sagal Fadumo|Faadumo|Fatuma Amina|Aamina Ayan|Ayaan
Nimco|Nimo Hibo Ubah|Ubax Deeqa|Deka Sahra|Sahro Ikran|Ikraan Ladan Hamdi Khadra|Khadro
Safiya|Safiyo Maryan|Maryam Nasra|Nasro Hawa|Xaawo|Hawo Asha|Caasha|Aisha Idil Sumaya|Sumayo
Najma Yasmin|Yasmiin Ruqiya|Ruqiyo Zamzam Anisa|Aniso Hani|Haani Leyla|Leila|Layla Muna
Halima|Xaliimo Farhiya|Farxiyo Suad|Sucaad Naima|Nacima Ilhan|Ilhaan Shukri Hafsa|Xafsa Istar
Fardowsa|Firdaus Bilan Hamda|Xamda Saido|Saida Bushra Fathia|Faadiya Fowsia|Fowsiya Hinda Hodo
Iman|Iimaan Istahil Jawahir|Jawaahir Kaltun|Kaltuun Khadija|Khadiijo Luul|Lul Nafisa|Nafiiso
Nura|Nuura Qamar Rahma|Raxma Sacdiya|Sadiya Samira|Samiira Shamsa Sucdi Ugbaad Warsan Yurub
Zahra|Zahro Zeynab|Saynab Anab|Canab Ardo Asli|Casli Beydan Degan Filsan Hibaaq Kowsar|Kawsar
Mulki Qali Roda|Rooda Ebyan|Ebyaan Faiza|Faayiso Hodman Ilwaad Lamas Maandeeq Nasteho Rahmo
Ruweyda Shamis Sirad Waris Xamdi Zeinab Amran Dahabo Faduma Idman Kaha Magool Raho Sareedo Ubaxa"""
YO_BOYS = """Oluwaseun Oluwatobi Oluwadamilare Adebayo Ayomide Olamide Temitope Oluwafemi
Babatunde Ayodeji Tobiloba Oreoluwa Iyanuoluwa Oluwatimilehin Ifeoluwa Damilola Toluwani Mayowa
Adewale Olumide Adekunle Adeola Akinola Ayobami Ayokunle Babajide Damilare Demilade Gbenga
Ibukun Inioluwa Jide Kayode Kehinde Kolawole Mofiyinfoluwa Moyosore Olajide Olaoluwa Oluwakayode
Oluwanifemi Oluwaseyi Oluwatomisin Opeyemi Segun Seyi Taiwo Tioluwani Tobi Tomiwa Tunde Wale
Yinka Dayo Femi Folarin Lanre Niyi Toba"""
YO_GIRLS = """Oluwapelumi Temitope Folasade Funmilayo Adeola Oluwakemi Titilayo Oluwatoyin
Morenike Abimbola Ayomide Oluwaseyi Eniola Moyinoluwa Ireoluwa Opeyemi Bukola Adunni Oyinkansola
Ibukunoluwa Adesola Anuoluwapo Ayobami Bolanle Damilola Darasimi Deborah Enitan Feyisayo Folake
Iyanuoluwa Jumoke Kemi Mojisola Mosunmola Mofoluwake Nifemi Olamide Olayinka Oluwadamilola
Oluwafunmilayo Oluwanifemi Oluwatomi Omolola Omotola Simisola Temiloluwa Tiwalade Toluwalase
Tolulope Yetunde Yewande Adedoyin Adejoke Ayotola Fiyinfoluwa Motunrayo Ifeoluwa"""
IG_BOYS = """Chukwuemeka Chidubem Chibueze Chinedu Ikenna Obinna Nnamdi Ebuka Kelechi
Somtochukwu Chukwudi Uchenna Tochukwu Ifeanyi Kenechukwu Chimaobi Ugochukwu Chidera Ekene
Chijioke Chibuike Chiemeka Chigozie Chimdi Chinonso Chisom Chukwuma Ebube Ejike Emeka Izuchukwu
Kamsiyochukwu Munachi Nnaemeka Obiora Ogechukwu Okechukwu Onyekachi Somadina Tobechukwu
Udochukwu Zikora Arinze Azubuike Chiagozie Chimezie Ikechukwu Nonso Oluchukwu Ozioma"""
IG_GIRLS = """Chiamaka Adaeze Chidinma Ngozi Nneka Chinonso Ifeoma Amarachi Oluchi Chisom Ebere
Ozioma Chinwendu Kosisochukwu Munachimso Chioma Adaora Nkechi Ugochi Chiagozie Adanna Akunna
Amaka Chidera Chimamanda Chinasa Chinaza Chinenye Chizoba Ezinne Ifunanya Kamsiyochi Kelechi
Nkiruka Nneoma Obiageli Ogechi Onyinye Somtochukwu Uchechi Udoka Uju Ujunwa Zikora Adaugo
Chinyere Ginika Nwamaka Oluomachi"""
AF_BOYS = """Emmanuel Daniel David Samuel Joshua Michael Joseph John Victor Favour Praise Godwin
Gideon Elijah Jeremiah Ezekiel Solomon Jesse Caleb Timothy Stephen Peter Paul Isaac Nathaniel
Benedict Kingsley Desmond Prince Divine Abraham Andrew Anthony Benjamin Bright Christian Clement
Collins Ebenezer Edwin Eric Francis Frank Gabriel George Godfrey Henry Israel Jacob James
Jeffrey Jonathan Kelvin Kenneth Lawrence Marvellous Matthew Moses Nathan Nelson Oliver Patrick
Philip Precious Raphael Richard Robert Ryan Samson Silas Simon Theophilus Wisdom Zachariah"""
AF_GIRLS = """Precious Blessing Favour Grace Mercy Esther Deborah Victoria Divine Peace Goodness
Miracle Testimony Faith Joy Gift Purity Comfort Patience Ruth Rebecca Abigail Hannah Miriam
Lydia Priscilla Tabitha Rejoice Glory Success Angela Anita Beatrice Bernice Charity Christabel
Dorcas Elizabeth Eunice Felicia Florence Gloria Gladys Hope Jennifer Jessica Josephine Judith
Juliet Lilian Loveth Marvellous Mary Michelle Naomi Olivia Pamela Patricia Phoebe Praise Rachel
Rose Sandra Sarah Stephanie Susan Sylvia Temperance Theresa Vanessa Vivian Wendy Winifred
Zipporah"""
YO_SURNAMES = """Adeyemi Ogunleye Adebayo Oladipo Afolabi Ogundipe Bankole Adewale Akinola
Olaniyan Oyelaran Adeleke Ajayi Babalola Fashola Ogunbiyi Oyewole Akinwande Olatunji Adeniyi
Ogunlesi Oyedele Akinyemi Olowookere Abiodun Adebiyi Adegoke Adelaja Adenuga Adesanya Adewumi
Adeyinka Agbaje Ajibade Akande Akindele Akinsanya Alabi Aluko Awolowo Ayodele Bakare Balogun
Coker Dada Fadahunsi Fagbemi Falana Fasanya Idowu Ige Ilori Jegede Kolawole Lawal Mustapha
Obasanjo Ogunbanjo Ogunde Ojo Okunola Oladele Olagunju Olaleye Olawale Olayemi Olofinlade
Onabanjo Oni Oseni Oyebanji Oyeniyi Popoola Salami Sanni Shittu Sowemimo Taiwo Williams Ayinde
Osho Fakoya Akintola Adekoya Adeoye"""
IG_SURNAMES = """Okafor Okonkwo Nwosu Eze Okeke Nwachukwu Obi Okoro Nnaji Onyeka Chukwu Ugwu
Okoye Anyanwu Nwankwo Ibekwe Ezeh Nwabueze Onuoha Igwe Obiora Nwafor Achebe Agu Akpan Amadi
Anozie Asogwa Chukwuma Ekwueme Emenike Eneh Ezeani Ezeoke Ibe Ihejirika Ikeji Iwu Madu Mbah
Nnadi Nwadike Nwaeze Nwagbara Nwoke Obasi Obiekwe Odoh Ogbonna Ojukwu Okechukwu Okolie Okonjo
Okorie Okpara Onwuka Onyekwere Onyema Orji Ozoemena Uche Ugochukwu Ukeje Umeh Uzoma Agbo
Akubueze Anaeto Chibueze Dike Egwu Ekwe Ezenwa Ilo Nwagwu Nwokolo Odum Ogbu Onwuachi Ozor"""
# Tail: Yoruba given names and surnames from first elements and roots; Igbo likewise.
YO_GIVEN_PREFIXES = """Olu Oluwa Ade Ayo Ola Ife Ire Oyin Eni Fola Ope Omo Mo Ini Temi Ibu Iyanu
Tolu Ore"""
YO_GIVEN_ROOTS_M = """seun tobi femi wale mide kunle yemi tunde bayo dele sola mola wole lade
jide rinde sanmi dayo tomiwa damilare timilehin toyin seyi kayode gbenga lanre dapo muyiwa tosin
kola jire bukunmi nifemi"""
YO_GIVEN_ROOTS_F = """kemi pelumi toyin seyi sade lola funmi yemi nike kanyin bukola tola mide
tomi dunni sola yinka wunmi dara simi tife jolade ronke dolapo bisi"""
YO_SURNAME_PREFIXES = """Ade Ogun Ola Aki Akin Oye Olu Afo Ba Aji Ako Ala Oni Ode Osi Abi Aje
Ayo Oke Ojo Ige Ilo Fa Awo Odu Oso Ono"""
YO_SURNAME_ROOTS = """yemi leye bayo dipo labi dipe kole wale tunji niyi lesi dele wole wande
tayo sanya kunle fela bola biyi gbade lola mola lade toye nola niran yinka nusi wumi sola jobi
mide tola bode gbile seun jimi"""
IG_GIVEN_PREFIXES_M = """Chi Chukwu Uche Ike Obi Ugo Kene Chidi Nna Izu Tobe Eze Ifeanyi Somto"""
IG_GIVEN_PREFIXES_F = """Chi Ada Amara Oge Nne Ugo Ozi Ify Uju Ebere"""
IG_GIVEN_ROOTS = """nedu buike dubem emeka bueze nonso dera maobi diebere lota olum eze oma
nwendu nyere agozie mdindu chukwu ebube kachi somto jioke ka ora amaka naza nasa zoba nwa"""
IG_SURNAME_PREFIXES = """Nwa Nwo Oko Oka Oke Eze Obi Onye Ugwu Anya Ibe Ezi Ogbo Umu Iro Ofo Ene"""
IG_SURNAME_ROOTS = """chukwu nkwo for su bueze ogu eke ike oke agu obi ani ala ugo uko ora ekwe
aleke dike nna ka ama buchi nwu ji ezue mah mba nnadi dozie"""
GH_SURNAMES = """Mensah Owusu Boateng Asante Osei Acheampong Appiah Agyeman Amoah Darko Frimpong
Opoku Adjei Ofori Nkrumah Antwi Sarpong Kyei Annan Quaye Addo Tetteh Ansah Bonsu Asamoah Badu
Danquah Gyamfi Nyarko Sackey Quansah Amponsah Yeboah Kusi Ampofo Oppong Baah Agyei Manu Donkor
Lamptey Ankrah Nortey Aryee Quartey Ayitey Agbeko Amegashie Kpodo Tsikata Kumordzi Ahadzie
Adomako Afriyie Agyapong Akoto Amankwah Ampadu Anane Ankomah Asare Atta Awuah Baffour Bekoe
Boakye Bediako Dankwa Dapaah Duah Effah Fosu Gyasi Kwarteng Marfo Nti Obeng Okyere Oduro Osafo
Poku Sarfo Twumasi Wiredu Yiadom Adu Agyekum Akrofi Amissah Ocran Essien Mills Hammond Quarshie
Aidoo Abban Acquah Addai Afful Amoako Anim Arthur Bannerman Eshun Kuffour Ntim Obiri Otoo
Yankson Boadu"""

# ---------------------------------------------------------------------------------------------
# Chinese: Mandarin (Pinyin) and Cantonese surnames and given-name syllables.

MA_SURNAMES = """Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Xu Sun Ma Zhu Hu Guo He Lin Luo
Gao Zheng Liang Xie Song Tang Han Feng Deng Cao Peng Zeng Xiao Tian Dong Pan Yuan Cai Jiang Yu
Du Ye Cheng Wei Su Lu Ding Ren Shen Yao Lyu Zhong Cui Tan Fan Liao Shi Jin Jia Xia Fu Fang Zou
Xiong Bai Meng Qin Qiu Hou Yin Xue Yan Duan Lei Long Tao Mao Hao Gu Gong Shao Wan Qian Dai Kong
Xiang Chang Kang Qi Niu Ouyang Zhan Mo Lai Wen Yi Bao Bi Chu Geng Hua Ji Ke Le Lian Miao Ning Pu
Rao Shu Tong Xing Yue Zhai"""
CN_SURNAMES = """Chan Wong Cheung Lee Ng Lau Leung Ho Yeung Lam Tsang Tang Chow Kwok Tse Fung
Yip Mak Chu Lai Cheng Lo Siu Kwan Choi Au Poon Tam Yuen Man Hui Law Wan Tsui Szeto Pang Ko Yau
Sze Chung Fong Ma Mok Kong Kwong Chiu Shek Shum Tong To Tung Woo Yu Chau Chim Chong Foo Hon Hung
Kam Keung Kok Kung Leong Lok Lui Luk Mo Ngai Pun Shiu Sin Sit So Suen Sung Tai Tin Tsoi Wai Yam
Yan Yee Yiu Yung Ip Ching Chui Hau Heung Ling Ngan"""
MA_SYLLABLES_M = """Hao Yu Jun Wei Ming Hui Jie Tao Bo Lei Zhi Hong Yi Chen Xuan Ze Kai Rui Hang
Yang Xin Tian Long Qiang Feng Bin Jian Zhen Yuan Han Zi Xiao Jia Cheng Sheng Wen Yong Peng Kang
An Chao Chang Dong Fan Gang Guang Hai Hua Jiang Jin Kun Liang Lin Nan Ning Qi Qing Ran Rong Shan
Shuo Song Teng Tong Xiang Xu Yan Yao Ye Zhe Zheng Zhou Bai Cong Da De Fei Heng Ji Le Lun Mu Pei
Shi Si Wu"""
MA_SYLLABLES_F = """Li Na Mei Xin Yi Jing Xiao Ying Lan Hui Yan Ting Xue Qian Ya Yun Wen Jia Min
Lin Shan Fang Zi Han Yue Qing Lu Rou Xi Ning Yu Shu Hong Juan Lei Ling Qi Tong Xia Zhen Ai Bei
Chun Dan Fei Hua Jiao Jie Jin Lian Meng Miao Nuo Pei Qiao Rui Shi Si Tian Wan Wei Xian Xiu Yao
You Yuan Zhu Man Nan Qin Su Tan Xuan Yin"""
CN_SYLLABLES_M = """Ka Ho Chun Kit Wai Man Tsz Hin Yiu Chi Hok Lam Pak Nok Lok Yin Sze Kwan Ming
Hei Long Fai Shing Kin Tak Wing Cheuk Hong On Yat Chak Chung Fung Hang Hau Hoi Hung Kai Kei Kwok
Lun Mau Ngai Sai Shun Sing Sun Tin Tsun Wa Wang Yan Yeung Yu Yuen"""
CN_SYLLABLES_F = """Wing Yan Ka Man Tsz Ching Hoi Lam Yuk Ling Mei Sze Wai Hei Yee Kwan Lok Suet
Pui Shan Hiu Oi Nga Ying Choi Hung Kei Yin Lai Fong Sum Chi Chui Fan Hang Hin Ho Kiu Lui Mui On
Sin Siu Tung Wan Wun Yau Yi Yiu Yue Yung"""
CH_ENGLISH_M = """Kevin Eric Jason Tony Alan Jack Daniel William Peter Ryan Kelvin Ivan Justin
Henry Leo Vincent Oscar Alex Felix Marcus Aaron Adrian Andy Anson Ben Brian Calvin Charles Chris
Dennis Derek Edmund Edwin Ethan Gary Harry Isaac Jacky Jimmy Joe Johnny Ken Lucas Martin Max
Nelson Patrick Raymond Samuel Sunny Terry Thomas Timothy Victor Wilson"""
CH_ENGLISH_F = """Lily Jessica Grace Angela Cindy Vivian Kelly Ivy Amy Emily Chloe Sophie
Jasmine Crystal Yvonne Karen Natalie Stephanie Mandy Coco Alice Annie Bonnie Carmen Catherine
Cherry Christine Connie Daisy Doris Elaine Ella Emma Fiona Gloria Hannah Helen Iris Jenny Joanne
Joyce Katie Lucy Maggie Michelle Olivia Rachel Sandy Sharon Tiffany Wendy Winnie Yuki Zoe"""

# ---------------------------------------------------------------------------------------------
# Arab, Kurdish and Afghan names.

AR_BOYS = """Ahmad|Ahmed Omar|Umar Yousef|Youssef|Yusuf Khaled|Khalid Ali Hamza|Hamzah Adam
Abdulrahman|Abdul_Rahman|Abdelrahman|Abdurrahman|Abd_al-Rahman Abdullah|Abdallah|Abdulla
Abdulaziz|Abdul_Aziz|Abdelaziz Mahmoud|Mahmood|Mahmud Mustafa|Mostafa|Moustafa Karim|Kareem
Tareq|Tariq|Tarek Sami|Samy Fadi Rami|Ramy Hadi Ziad|Ziyad Anas Bassam Jamal Waleed|Walid
Saeed|Said|Saied Majid|Majed Nasser|Naser|Nasir Hussein|Hussain|Husain
Mohammed|Mohamed|Muhammad|Mohammad Ibrahim|Ebrahim Ismail|Ismael Salim|Saleem|Salem Yahya|Yahia
Zakaria|Zakariya Laith|Layth Moaz|Muath|Muaz Obaida|Ubaida Ayham Amjad Bashar Firas Qusai|Qusay
Abdulkarim|Abdul_Karim|Abdelkarim Yazan Adel|Adil Ahmad_Ali Akram Amir|Ameer Amr|Amro
Ayman|Aiman Baraa|Bara Bilal|Belal Dawood|Daoud Eyad|Iyad Fares|Faris Ghaith|Ghayth
Haitham|Haytham Hasan|Hassan Hazem Hisham|Hesham Hussam|Hossam Ibrahim_Khalil Imad|Emad
Issa|Eissa Jad Jamil|Jameel Kamal Karam Khalil|Khaleel Louay|Luay Mahdi|Mehdi Malik|Malek Mazen
Mohannad|Muhannad Monther|Munther Mouhamad Nabil|Nabeel Nader|Nadir Nizar
Noor_Aldin|Nour_Eddine|Nureddin Osama|Usama Qais|Qays Rabie Raed|Raid Rashid|Rasheed Riad|Riyad
Saif|Seif Salah|Salah_Eddine Samer|Samir Shadi Sharif|Sherif Suleiman|Sulaiman Taha Talal
Taym|Taim Wael|Wail Wassim|Waseem Yaman Yasser|Yasir Younes|Younis Zaid|Zayd Zain|Zein"""
AR_GIRLS = """Layla|Leila|Laila Nour|Noor|Nur Rania|Ranya Reem|Rim Dana Lana Yara Salma
Huda|Hoda Hiba|Heba Mariam|Maryam|Miriam Aya|Aaya Malak Jana Rahaf Rawan Lina|Leena Sara|Sarah
Fatima|Fatma|Fatmah Zainab|Zaynab Amal Asmaa|Asma Ghada Doaa|Duaa|Dua Tasneem|Tasnim Shahad
Batool|Batoul Ruba Hanan Dalia|Dalya Joud|Jood Tala Lamar Sidra Judy|Joudi Masa Razan Bayan Nada
Abeer|Abir Afnan Alaa Amani|Amany Amira|Ameera Ansam Arwa Asil|Aseel Aziza Basma Bushra Dima
Eman|Iman Farah Ghalia Hala Hayat Hind Inas|Enas Israa|Esraa Jamila|Jameela Jumana|Joumana
Karima|Kareema Khadija|Khadeeja Lamis|Lames Lujain|Lojain Maha Manar Marwa|Marwah May|Mai Mayar
Mona|Muna Nadia|Nadya Nawal Nisreen|Nesreen Nuha Rahma Rana Rasha Rima Rola|Roula Safa Sahar
Salam Samah Sana Sawsan Shaima|Shaymaa Siham Suad|Souad Suha Wafa Wisal Yasmin|Yasmine
Zahra|Zahraa Zeina|Zina"""
AR_ABD_ATTRIBUTES = """Rahman Rahim Malik Quddus Salam Mumin Aziz Jabbar Karim Ghaffar Wahhab
Razzaq Fattah Alim Basit Hafiz Latif Halim Azim Ghafur Shakur Kabir Hamid Majid Wahid Samad
Qadir Muqtadir Wali Tawwab Rauf Ghani Nur Hadi Badi Baqi Rashid Sabur Hakim Wadud Haqq Wakil
Qawi Matin Muhsin Jalil Raqib Mujib Wasi Muizz Qahhar Sattar Khaliq Bari Musawwir Hayy Qayyum
Ilah Majeed"""
KU_BOYS = """Aram Rebin|Rebeen Dilan Karwan Soran Shvan|Shwan Hawre|Hawri Rekan Zana Hemin Ari
Bawan|Bawen Sarbast Daban Hoger Diyar Alan Lawin|Laween Sherwan Kawa|Kaawa Ako Alind Arez Awat
Azad Bakhtiyar Baran Barzan Bryar Chiya Dara Dastan Dler Goran Hardi Harem Hazhar Herish Hiwa
Hunar Jiyan Kamaran Karzan Kosrat Lavin Mahdi Nawzad Nechirvan Omed Peshawa Rawand Raz Rebaz
Rezhwan Rizgar Saman Sardar Sarkawt Shaho Shakar Shorsh Sirwan Sliman Taha Yad Zhiyar Zirak"""
KU_GIRLS = """Shilan Rozhin|Rojin Dilan Avin|Aveen Zhina|Jina Helin|Heleen Sozan Nazdar Bahar
Lana Shno Rezan Naz Hana Jwan|Juwan Rozh|Roj Sara Dunya|Donya Awaz Chra Ala Arezu Ashti Aryan
Avan Bafrin Berivan Chiman Dashne Deniz Evin Gulan Gulistan Hevi Hozan Jiyan Kani Kazhal Lanya
Nasrin Nishtiman Payam Roza Rubar Shadi Shaida Shirin Soma Tara Vian Zhilwan Zhwan Zozan"""
AF_AFGHAN_BOYS = """Ahmad|Ahmed Mohammad|Mohammed|Muhammad Wahid|Waheed Farhad Jawad
Naveed|Navid Zabihullah|Zabiullah Samiullah|Samiulla Rahmatullah|Rahmatulla Mustafa Omid|Omeed
Hamid|Hameed Sohail|Suhail Bilal Ali Hassan|Hasan Idris|Edris Yama Nasir|Naser Jamshid|Jamsheed
Shafiq Khalid|Khaled Ajmal Asadullah|Asadulla Baryalai Bashir|Basheer Bismillah Daud|Dawood
Ehsan|Ihsan Ezatullah Farid|Fareed Fawad Ghulam Habib Hamidullah Haroon|Harun Hekmat Hewad
Hikmatullah Imran Jalal Javid|Javed Karim Khalil Mansoor|Mansur Masood|Masud Matin Milad Mirwais
Morteza Murtaza Najib|Najeeb Nawid Obaidullah Parwiz|Parviz Qasim Rahim Ramin Rashid Sadiq
Safiullah Sajad Sayed|Sayid Shahab Shakib Shams Sharif Tamim Wali Yasin Yousuf|Yusuf Zahir Zaki
Zalmai"""
AF_AFGHAN_GIRLS = """Mursal Marwa Zarlasht Parwana Freshta|Fereshta Mahtab Zohal Madina|Medina
Sahar Nilofar|Nilufar Shabnam Sadaf Hasina|Haseena Laila|Leila Zahra|Zohra Khadija|Khadijah
Fatima|Fatema Mariam|Maryam Nazanin Arezo|Arezoo Hosna|Husna Roya Setara|Sitara Aisha|Ayesha
Alia Anisa Ariana Asma Bahara Benafsha Diba Farzana Fatana Fereshteh Gulalai Gulnaz Habiba Hadia
Halima Homa Hila Kamila Karima Lina Mahbooba Malalai Malika Mina Mozhgan Muzhda Nadia Nargis
Negina Nasrin Palwasha Parisa Rahima Rukhsar Sabira Safia Saida Samira Shabana Shakila Shirin
Sima Soraya Tahmina Wajiha Yalda Zainab Zarghona Zuhal"""
AL_BASES = """Sayed Hassan Ahmad Khatib Masri Najjar Tamimi Shami Obaidi Zubaidi Hashimi Jaber
Rashid Amin Hakim Qadi Dulaimi Jubouri Saadi Ani Hussaini Bakri Halabi Baghdadi Attar Kurdi
Hamdani Shammari Mousawi Azzawi Ahmadi Alawi Amiri Ansari Anzi Araji Asadi Askari Baddour Bazzaz
Dabbagh Darwish Fayad Ghamdi Habib Haddad Hamad Harbi Hashemi Helou Homsi Issa Jabouri Janabi
Kaabi Kathiri Khafaji Khalidi Kubaisi Maliki Mansour Marri Mohammadi Mulla Musawi Nuaimi Otaibi
Qahtani Qasimi Rubaie Sabah Saeed Salem Shaikh Sharif Shehri Tahan Taie Tikriti Yamani Zahrani
Zein"""
AR_SURNAMES = """Abdullah|Abdallah Haddad Khalil|Khaleel Hamdan Mansour|Mansur Nasser|Naser
Saleh|Salih Darwish|Darwich Ibrahim Youssef|Yousef|Yusuf Othman|Uthman|Osman
Mahmoud|Mahmood|Mahmud Hamad Suleiman|Sulaiman|Soliman Qasim|Kassim|Qassem Abbas Kareem|Karim
Hussein|Hussain|Hussien Jaber|Jabir Salem|Salim Omar|Omer Aziz Farah Awad Karam Kanaan Zaki|Zaky
Habib Fawaz Sabri|Sabry Hamdi|Hamdy Issa|Eissa Mohammed|Mohamed Ahmed|Ahmad Ali Hassan|Hasan
Khalaf Shaker|Shakir Nouri|Nuri Jassim|Jasim Hammoud|Hamoud Abboud|Aboud Adel Ajami Akl
Amer|Amir Asaad|Asad Attia|Atiyah Ayoub|Ayyub Bakr Bishara Daher|Dahir Diab|Dyab Eid|Eyd
Fadel|Fadil Fakhoury Ghanem|Ghanim Hajj Halabi Hamid Hariri Hijazi Homsi Ismail Jaafar|Jafar
Jabbour Jamal Kamal Khoury|Khouri Makki Matar Mikhail Mousa|Musa Nassar Nasrallah Obeid|Ubaid
Qureshi Rahal Rizk|Rizq Saad Sabbagh Saif Sakr|Saqr Sayegh Shadid Shahin|Shaheen Shammas
Tawfik|Tawfiq Yassin|Yasin Younes|Younis Zaher|Zahir Zayed|Zaid Abu-Hamdan|Abu_Hamdan
Abu-Zaid|Abu_Zaid Abed Barakat Dajani Haidar Jaradat Kassab Khatib Masri Nasr Rifai Shalabi
Tahan Yaghi Zoubi"""
KU_SURNAMES = """Ahmed Mohammed Hama Rasul|Rasool Aziz Karim Abdullah Kurdi Barzani Talabani
Zebari Salih Jaf Hawrami Baban Amedi Hussein Mahmud Qadir|Kadir Omer Ali Hasan Abdulrahman Ahmad
Amin Bakir Bapir Faraj Hamad Ismail Jalal Kakai Kareem Khoshnaw Majid Mam Mustafa Nadir Qader
Rashid Rauf Saeed Shwani Sindi Tahir Wahab Yousif Zangana Herki Surchi Pishdari"""
AFG_SURNAMES = """Ahmadzai|Ahmadzay Popal Safi Noori|Nouri Stanekzai Habibi Rahimi Karimi
Hosseini|Husseini Sultani Mohammadi|Mohamadi Amiri Hakimi Azizi Sharifi Rezaei|Rezai
Jafari|Jafary Haidari|Haidary|Heydari Sadat Wardak Niazi Durrani Yousafzai|Yusufzai Ahmadi
Samadi Akbari Alizai Amini Atmar Barakzai Faizi Ghani Hamidi Hashimi Jalali Kakar Khalili Mangal
Mohmand Nazari Omari Qaderi Rahmani Rasuli Sahak Saidi Shinwari Sherzad Tajik Taraki Waziri
Zazai Zadran"""
